/**
 * reproduce's one error base: every error it throws on purpose (outside the command line, whose
 * errors are cli-kit's `UsageError`) is a {@link ReproduceError} with a literal `code` and whether
 * retrying may help, so callers (main.ts, bench:vs-original) tell errors apart by class or code,
 * never by `name` or message text. The subclasses keep their names.
 * @module
 */
import { CodedError } from "@thunderagent/protocol";

export type ReproduceErrorCode =
  /** The options do not make a runnable plan (PlanError). */
  | "invalid_plan"
  /** The machine's GPUs cannot hold the run, or nvidia-smi failed (GpuCheckError). */
  | "gpu_check"
  /** A process of the run exited when it should not have (ChildFailedError). */
  | "child_failed"
  /** A server did not answer /health: it exited first, or time ran out (HealthTimeoutError). */
  | "health_failed"
  /** A process asked to start after the run began stopping. */
  | "stopping"
  /** A wait given up because the run was aborted. */
  | "aborted"
  /** The router wrote no step profile CSV. */
  | "no_profile_csv"
  /** A counting window whose end does not follow its start, or a non-positive minute. */
  | "invalid_window"
  /** No engine served an LLM call in time after the runner started. */
  | "no_served_call"
  /** A dataset file with no instance, or an instance without an instance_id. */
  | "invalid_dataset"
  /** Before a sweep cell: a backend, the router or the Docker host does not answer (PreflightError). */
  | "preflight";

export class ReproduceError extends CodedError<ReproduceErrorCode> {
  override readonly name: string = "ReproduceError";
}
