/**
 * The `docker` environment adapter (dockerode): one container per instance from the instance's
 * SWE-bench image, kept alive by `sleep`, each command a `bash -lc` exec in `/testbed` under
 * `timeout -s KILL` (closing the stream would not stop it), output demultiplexed and merged in
 * arrival order, the exit code carried in the output (exit-marker.ts: Podman forgets ended exec
 * sessions, so an inspect after a late stream end can find nothing). Containers carry labels so
 * leftovers can be found, and are force-removed by `close()` on every exit path. A missing image is pulled, with errors in the progress stream
 * detected (a failed pull still answers HTTP 200).
 * @module
 */
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import Dockerode from "dockerode";
import type { EnvironmentSection } from "../config/mini-config.js";
import {
  CommandTimeoutError,
  type Environment,
  EnvironmentError,
  type ExecOptions,
  type ExecResult,
  hardTimeoutArgv,
  isTimeoutKill,
} from "../environment/environment.js";
import { takeExitMarker, withExitMarker } from "./exit-marker.js";

/** Label on every container we create; its value is the creating run's id. */
export const CONTAINER_LABEL = "org.thunderagent.run";

export interface DockerEnvironmentOptions {
  config: EnvironmentSection;
  image: string;
  /** Defaults to `new Dockerode()` (honours DOCKER_HOST). */
  docker?: Dockerode;
  /** Run id stored in the {@link CONTAINER_LABEL} label (default: random). */
  runId?: string;
  /** More labels (e.g. the instance id). */
  labels?: Record<string, string>;
  /** Pull the image when missing (default true); false reports a missing image at once. */
  pull?: boolean;
  signal?: AbortSignal;
}

export class DockerEnvironment implements Environment {
  readonly kind = "docker";
  /** Set when its host stopped answering (docker-class.ts, with `docker_hosts`). */
  lost: string | undefined = undefined;
  #removed = false;

  private constructor(
    readonly docker: Dockerode,
    readonly container: Dockerode.Container,
    readonly image: string,
    readonly config: EnvironmentSection,
  ) {}

  /** Creates and starts the container (pulling the image when it is missing). */
  static async create(options: DockerEnvironmentOptions): Promise<DockerEnvironment> {
    const docker = options.docker ?? new Dockerode();
    const { config, image } = options;
    await ensureImage(docker, image, options.pull ?? true, config.pull_timeout, options.signal);
    let container: Dockerode.Container;
    try {
      container = await docker.createContainer({
        name: `thunderagent-${randomUUID().slice(0, 12)}`,
        Image: image,
        Cmd: ["sleep", config.container_timeout],
        WorkingDir: config.cwd || undefined,
        Env: Object.entries(config.env).map(([k, v]) => `${k}=${v}`),
        Labels: { [CONTAINER_LABEL]: options.runId ?? randomUUID(), ...options.labels },
        Tty: false,
        HostConfig: { AutoRemove: false },
      } as Dockerode.ContainerCreateOptions);
    } catch (error) {
      throw new EnvironmentError(`cannot create a container from ${image}: ${describe(error)}`, {
        cause: error,
      });
    }
    const env = new DockerEnvironment(docker, container, image, config);
    try {
      await container.start();
      if (options.signal?.aborted) throw options.signal.reason;
    } catch (error) {
      await env.close();
      throw new EnvironmentError(`cannot start a container from ${image}: ${describe(error)}`, {
        cause: error,
      });
    }
    return env;
  }

  get containerId(): string {
    return this.container.id;
  }

  dockerIds(): string[] {
    return [this.container.id];
  }

  templateVars(): Record<string, unknown> {
    return { ...this.config, image: this.image, container_id: this.container.id };
  }

  async execute(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutS = options.timeoutS ?? this.config.timeout;
    if (options.signal?.aborted) throw options.signal.reason;
    const nonce = randomUUID();
    const exec = await this.container.exec({
      Cmd: withExitMarker(hardTimeoutArgv(["bash", "-lc"], command, timeoutS), nonce),
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: false,
      Tty: false,
      ...(this.config.cwd ? { WorkingDir: this.config.cwd } : {}),
      Env: Object.entries(this.config.env).map(([k, v]) => `${k}=${v}`),
    });
    const started = performance.now();
    const stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream &
      NodeJS.EventEmitter & { destroy(error?: Error): void };
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    });
    this.docker.modem.demuxStream(stream, sink, sink);
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(backstop);
        options.signal?.removeEventListener("abort", onAbort);
        if (error === undefined) resolve();
        else reject(error instanceof Error ? error : new Error(String(error)));
      };
      const onAbort = () => {
        stream.destroy();
        finish(options.signal?.reason ?? new Error("aborted"));
      };
      // Backstop: `timeout` kills the command in time; this only guards a stuck stream.
      const backstop = setTimeout(
        () => {
          stream.destroy();
          finish(
            new CommandTimeoutError(command, timeoutS, Buffer.concat(chunks).toString("utf8")),
          );
        },
        (timeoutS + 10) * 1000,
      );
      options.signal?.addEventListener("abort", onAbort, { once: true });
      stream.on("end", () => finish());
      stream.on("close", () => finish());
      stream.on("error", (error: Error) => finish(error));
    });
    const raw = new TextDecoder().decode(Buffer.concat(chunks));
    const marked = takeExitMarker(raw, nonce);
    let output = raw;
    let returncode: number;
    if (marked) ({ output, status: returncode } = marked);
    else {
      // No marker: the wrapper itself was killed. The engine may still know the exit code.
      const info = await exec.inspect();
      returncode = typeof info.ExitCode === "number" ? info.ExitCode : -1;
    }
    if (isTimeoutKill(returncode, (performance.now() - started) / 1000, timeoutS)) {
      throw new CommandTimeoutError(command, timeoutS, output);
    }
    return { output, returncode };
  }

  /** Force-removes the container (kills what runs in it). Idempotent; never throws. */
  async close(): Promise<void> {
    if (this.#removed) return;
    this.#removed = true;
    try {
      await this.container.remove({ force: true, v: true });
    } catch (error) {
      if (statusOf(error) !== 404) {
        // A second attempt after a short pause (the engine may be busy), then give up.
        await new Promise((r) => setTimeout(r, 500));
        await this.container.remove({ force: true, v: true }).catch(() => undefined);
      }
    }
  }
}

function statusOf(error: unknown): number | undefined {
  const s = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === "number" ? s : undefined;
}

function describe(error: unknown): string {
  const json = (error as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === "string") return json.message;
  return error instanceof Error ? error.message : String(error);
}

interface PullEvent {
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Makes sure `image` exists locally, pulling it when allowed. */
export async function ensureImage(
  docker: Dockerode,
  image: string,
  pull: boolean,
  pullTimeoutS: number,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (error) {
    if (statusOf(error) !== 404) {
      throw new EnvironmentError(`container engine unreachable: ${describe(error)}`, {
        cause: error,
      });
    }
  }
  if (!pull) throw new EnvironmentError(`image ${image} is not present (pulling is disabled)`);
  const events: PullEvent[] = [];
  try {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        (stream as unknown as { destroy?: () => void }).destroy?.();
        reject(new Error(`pull timed out after ${pullTimeoutS}s`));
      }, pullTimeoutS * 1000);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason ?? new Error("aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      docker.modem.followProgress(
        stream,
        (error) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          if (error) reject(error);
          else resolve();
        },
        (event: PullEvent) => events.push(event),
      );
    });
  } catch (error) {
    throw new EnvironmentError(`cannot pull image ${image}: ${describe(error)}`, { cause: error });
  }
  const failed = events.find((e) => e.error || e.errorDetail);
  if (failed) {
    const message = failed.errorDetail?.message ?? failed.error ?? "unknown error";
    throw new EnvironmentError(`cannot pull image ${image}: ${message}`);
  }
}

/** Force-removes every container carrying our label (optionally only one run's). */
export async function removeLabelledContainers(
  options: { docker?: Dockerode; runId?: string } = {},
): Promise<number> {
  const { runId } = options;
  const docker = options.docker ?? new Dockerode();
  const label = runId ? `${CONTAINER_LABEL}=${runId}` : CONTAINER_LABEL;
  const list = await docker.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(
    list.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  return list.length;
}
