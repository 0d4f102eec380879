/**
 * The `local` environment adapter: each command runs as `bash -c` in a directory on the host,
 * under `timeout -s KILL` in its own process group (so the timeout kills pipelines and
 * background children too), with stdout and stderr merged in arrival order. The fork happens in
 * this process's command spawner (spawner.ts), a helper process, not here.
 * @module
 */
import os from "node:os";
import type { EnvironmentSection } from "../config/mini-config.js";
import {
  CommandTimeoutError,
  type Environment,
  type ExecOptions,
  type ExecResult,
  hardTimeoutArgv,
  isTimeoutKill,
} from "../environment/environment.js";
import { type Spawner, sharedSpawner } from "./spawner.js";

export interface LocalEnvironmentOptions {
  config: EnvironmentSection;
  /** Working directory; overrides `config.cwd` (which defaults to the process's cwd). */
  cwd?: string;
  /** Environment variables inherited from this process (default: all of them). */
  baseEnv?: Record<string, string | undefined>;
  /** Run once by the first `close()`, after the commands are killed (e.g. removing the testbed). */
  onClose?: () => Promise<void>;
  /** Where the commands are forked (default: this process's shared spawner at `config.nice`). */
  spawner?: Spawner;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGHUP: 1 };
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

export class LocalEnvironment implements Environment {
  readonly kind = "local";
  readonly cwd: string;
  readonly #config: EnvironmentSection;
  readonly #env: Record<string, string>;
  readonly #spawner: Spawner;
  /** One per running command: aborting it kills the command's process group. */
  readonly #running = new Set<AbortController>();
  #onClose: (() => Promise<void>) | undefined;

  constructor(options: LocalEnvironmentOptions) {
    this.#config = options.config;
    this.#onClose = options.onClose;
    this.#spawner = options.spawner ?? sharedSpawner(options.config.nice);
    this.cwd = options.cwd ?? (options.config.cwd || process.cwd());
    const env = { ...(options.baseEnv ?? process.env), ...options.config.env };
    this.#env = Object.fromEntries(
      Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined),
    );
  }

  templateVars(): Record<string, unknown> {
    return {
      ...this.#config,
      cwd: this.cwd,
      system: os.type(),
      release: os.release(),
      version: os.version(),
      machine: os.machine(),
    };
  }

  async execute(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutS = options.timeoutS ?? this.#config.timeout;
    const [file, ...args] = hardTimeoutArgv(["bash", "-c"], command, timeoutS);
    const kill = new AbortController();
    const onAbort = () => kill.abort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) kill.abort();
    this.#running.add(kill);
    let result;
    try {
      result = await this.#spawner.run(
        {
          file: file!,
          args,
          cwd: this.cwd,
          env: this.#env,
          // Backstop in case `timeout` itself misbehaves: kill the group after the deadline.
          backstopMs: (timeoutS + 5) * 1000,
          maxBuffer: MAX_OUTPUT_BYTES,
        },
        kill.signal,
      );
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new Error(`could not run the command: ${(error as Error).message}`);
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
      this.#running.delete(kill);
    }
    if (options.signal?.aborted) throw options.signal.reason;
    const returncode = result.code ?? 128 + (SIGNAL_NUMBERS[result.signal ?? ""] ?? 9);
    if (isTimeoutKill(returncode, result.elapsedMs / 1000, timeoutS)) {
      throw new CommandTimeoutError(command, timeoutS, result.output);
    }
    return { output: result.output, returncode };
  }

  async close(): Promise<void> {
    for (const kill of this.#running) kill.abort();
    this.#running.clear();
    const onClose = this.#onClose;
    this.#onClose = undefined;
    await onClose?.().catch(() => undefined);
  }
}
