/**
 * The environment port: where the agent's commands run. Adapters: `local` (a directory on
 * the host) and `docker` (dockerode, one container per instance). Both run one shell per command,
 * with stdout and stderr merged into `output` (like `subprocess.run(..., stderr=STDOUT)`), the
 * real exit code, and a hard per-command timeout that kills the command and everything it started.
 * @module
 */
import { AgentCoreError } from "../errors.js";
import type { EnvironmentClassName } from "./registry.js";

export interface ExecResult {
  /** stdout and stderr merged, decoded as UTF-8 (invalid bytes replaced). */
  output: string;
  returncode: number;
}

export interface ExecOptions {
  /** Seconds; defaults to the environment's configured timeout. */
  timeoutS?: number;
  /** Aborting kills the command at once and rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface Environment {
  /** The environment class (a key of `ENVIRONMENT_CLASSES`; test doubles may use their own). */
  readonly kind: EnvironmentClassName | (string & {});
  /** Runs one command; throws {@link CommandTimeoutError} when the timeout killed it. */
  execute(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Extra template variables (mini-swe-agent's `env.get_template_vars()`). */
  templateVars(): Record<string, unknown>;
  /**
   * The containers this environment made (docker: its one container), sent to the router as
   * `docker_ids` so that its `--docker-gc` can remove them if the program is abandoned.
   */
  dockerIds?(): string[];
  /**
   * Set when the environment was lost underneath it (docker: its host stopped answering): what
   * happened. The instance may be started again in a new environment.
   */
  readonly lost?: string | undefined;
  /** Releases everything (container, processes). Idempotent; never throws. */
  close(): Promise<void>;
}

/** The command ran past its timeout and was killed; `output` is what it printed until then. */
export class CommandTimeoutError extends AgentCoreError {
  override readonly name: string = "CommandTimeoutError";
  constructor(
    readonly command: string,
    readonly timeoutS: number,
    readonly output: string,
  ) {
    super("command_timeout", `command timed out after ${timeoutS}s`);
  }
}

/** The environment could not be created (missing image, pull failure, engine unreachable…). */
export class EnvironmentError extends AgentCoreError {
  override readonly name: string = "EnvironmentError";
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super("environment_unavailable", message, options);
  }
}

/**
 * Wraps a shell command in `timeout -s KILL`: GNU timeout puts the command in its own process
 * group and kills the whole group, so background children and pipelines die too. Exit 137.
 */
export function hardTimeoutArgv(shell: readonly string[], command: string, timeoutS: number) {
  return ["timeout", "-s", "KILL", formatSeconds(timeoutS), ...shell, command];
}

function formatSeconds(s: number): string {
  return `${Math.max(0.001, Math.round(s * 1000) / 1000)}s`;
}

/** Exit 137 from `timeout -s KILL` after (about) the full timeout means the timeout fired. */
export function isTimeoutKill(returncode: number, elapsedS: number, timeoutS: number): boolean {
  return returncode === 137 && elapsedS >= timeoutS * 0.95;
}
