/**
 * The `local` environment adapter (execa): each command runs as `bash -c` in a directory on the
 * host, under `timeout -s KILL` in its own process group (so the timeout kills pipelines and
 * background children too), with stdout and stderr merged in arrival order.
 * @module
 */
import os from "node:os";
import { execa } from "execa";
import type { EnvironmentSection } from "../config/mini-config.js";
import {
  CommandTimeoutError,
  type Environment,
  type ExecOptions,
  type ExecResult,
  hardTimeoutArgv,
  isTimeoutKill,
} from "../environment/environment.js";

export interface LocalEnvironmentOptions {
  config: EnvironmentSection;
  /** Working directory; overrides `config.cwd` (which defaults to the process's cwd). */
  cwd?: string;
  /** Environment variables inherited from this process (default: all of them). */
  baseEnv?: Record<string, string | undefined>;
  /** Run once by the first `close()`, after the commands are killed (e.g. removing the testbed). */
  onClose?: () => Promise<void>;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGHUP: 1 };

export class LocalEnvironment implements Environment {
  readonly kind = "local";
  readonly cwd: string;
  readonly #config: EnvironmentSection;
  readonly #env: Record<string, string | undefined>;
  readonly #running = new Set<number>();
  #onClose: (() => Promise<void>) | undefined;

  constructor(options: LocalEnvironmentOptions) {
    this.#config = options.config;
    this.#onClose = options.onClose;
    this.cwd = options.cwd ?? (options.config.cwd || process.cwd());
    this.#env = { ...(options.baseEnv ?? process.env), ...options.config.env };
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
    const started = performance.now();
    const child = execa(file!, args, {
      cwd: this.cwd,
      env: this.#env,
      extendEnv: false,
      all: true,
      reject: false,
      stdin: "ignore",
      encoding: "buffer",
      detached: true, // its own process group: killed as a whole on abort
      stripFinalNewline: false,
      maxBuffer: 256 * 1024 * 1024,
    });
    const pid = child.pid;
    const killGroup = () => {
      if (pid === undefined) return;
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    if (pid !== undefined) this.#running.add(pid);
    // Backstop in case `timeout` itself misbehaves: kill the group a little after the deadline.
    const backstop = setTimeout(killGroup, (timeoutS + 5) * 1000);
    const onAbort = () => killGroup();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const result = await child;
      if (options.signal?.aborted) throw options.signal.reason;
      const output = new TextDecoder().decode(result.all as Uint8Array | undefined);
      const returncode =
        typeof result.exitCode === "number"
          ? result.exitCode
          : 128 + (SIGNAL_NUMBERS[result.signal ?? ""] ?? 9);
      const elapsedS = (performance.now() - started) / 1000;
      if (isTimeoutKill(returncode, elapsedS, timeoutS)) {
        throw new CommandTimeoutError(command, timeoutS, output);
      }
      if (result.failed && result.exitCode === undefined && !result.isTerminated) {
        throw new Error(`could not run the command: ${result.message}`);
      }
      return { output, returncode };
    } finally {
      clearTimeout(backstop);
      options.signal?.removeEventListener("abort", onAbort);
      if (pid !== undefined) this.#running.delete(pid);
    }
  }

  async close(): Promise<void> {
    for (const pid of this.#running) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    this.#running.clear();
    const onClose = this.#onClose;
    this.#onClose = undefined;
    await onClose?.().catch(() => undefined);
  }
}
