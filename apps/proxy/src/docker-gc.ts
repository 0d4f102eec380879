/**
 * Tool-resource clean-up: the `docker_ids` a program sent are force-removed through dockerode
 * (which honours `DOCKER_HOST`) when the program is released or reclaimed. Failures are logged,
 * never thrown at the caller; a container already gone (404) counts as removed.
 * @module
 */
import Docker from "dockerode";
import type { Logger } from "pino";

export interface ContainerRemover {
  remove(programId: string, ids: readonly string[]): Promise<void>;
}

export class DockerGc implements ContainerRemover {
  readonly #docker: Docker;
  removed = 0;
  failed = 0;

  constructor(
    private readonly log: Logger,
    docker?: Docker,
  ) {
    this.#docker = docker ?? new Docker();
  }

  async remove(programId: string, ids: readonly string[]): Promise<void> {
    await Promise.all(
      ids.map(async (id) => {
        try {
          await this.#docker.getContainer(id).remove({ force: true, v: true });
          this.removed++;
          this.log.info({ programId, container: id }, "removed container");
        } catch (err) {
          const status = (err as { statusCode?: number }).statusCode;
          if (status === 404) {
            this.removed++;
            this.log.debug({ programId, container: id }, "container already gone");
            return;
          }
          this.failed++;
          this.log.warn(
            { programId, container: id, err: (err as Error).message },
            "could not remove container",
          );
        }
      }),
    );
  }
}
