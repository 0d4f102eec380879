/**
 * Tool-resource clean-up (`--docker-gc`): when a program is released or reclaimed, the containers
 * it named in `docker_ids` are force-removed through dockerode's container API (which honours
 * `DOCKER_HOST`), and only those that are the program's own. The trust model:
 *
 * - `docker_ids` come from clients, so they are untrusted: each must match the container-name
 *   grammar (protocol's `DockerId`; a 400 at the door, checked again here), so no id can reach
 *   another Docker endpoint (`../images/…`).
 * - A container is removed only when it carries the label `thunderagent.program_id` (protocol's
 *   `PROGRAM_ID_LABEL`, set by the runner on every container it creates) with the releasing
 *   program's id; it is removed by the id the engine reported for it, so a name cannot be
 *   re-pointed in between. Anything else is left alone and counted in `refused`.
 * - A client can thus only have removed what was created for its own program id. Program ids are
 *   not secrets: on a shared router, `--api-key` (and binding to a private address) is what keeps
 *   strangers from naming them.
 *
 * Failures are logged, never thrown at the caller; a container already gone (404) counts as removed.
 * @module
 */
import Docker from "dockerode";
import type { Logger } from "pino";
import { DockerId, PROGRAM_ID_LABEL } from "@thunderagent/protocol";

export interface ContainerRemover {
  remove(programId: string, ids: readonly string[]): Promise<void>;
}

function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

export class DockerGc implements ContainerRemover {
  readonly #docker: Docker;
  removed = 0;
  failed = 0;
  /** Named containers left alone: a bad id, or not labelled as the program's. */
  refused = 0;

  constructor(
    private readonly log: Logger,
    docker?: Docker,
  ) {
    this.#docker = docker ?? new Docker();
  }

  async remove(programId: string, ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.#removeOne(programId, id)));
  }

  async #removeOne(programId: string, id: string): Promise<void> {
    if (!DockerId.safeParse(id).success) {
      this.refused++;
      this.log.warn(
        { programId },
        "not removing a container id outside the container-name grammar",
      );
      return;
    }
    try {
      const info = await this.#docker.getContainer(id).inspect();
      const owner = info.Config?.Labels?.[PROGRAM_ID_LABEL];
      if (owner !== programId) {
        this.refused++;
        this.log.warn(
          { programId, container: id, label: PROGRAM_ID_LABEL },
          "not removing a container that is not labelled as the program's",
        );
        return;
      }
      await this.#docker.getContainer(info.Id).remove({ force: true, v: true });
      this.removed++;
      this.log.info({ programId, container: id }, "removed container");
    } catch (err) {
      if (statusOf(err) === 404) {
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
  }
}
