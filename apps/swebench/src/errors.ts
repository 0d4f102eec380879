/**
 * The runner's one error base: every error it throws on purpose is a {@link SwebenchError} with
 * a literal `code` (and whether retrying may help), so callers tell errors apart by class or
 * code, never by `name` or message text. agent-core's errors have their own base
 * (`AgentCoreError`).
 * @module
 */
import { AgentCoreError } from "@thunderagent/agent-core";
import { CodedError } from "@thunderagent/protocol";

export type SwebenchErrorCode =
  | "usage"
  | "config_not_found"
  | "invalid_slice"
  | "invalid_dataset"
  | "dataset_unavailable"
  | "preflight_failed";

export class SwebenchError extends CodedError<SwebenchErrorCode> {
  override readonly name: string = "SwebenchError";
}

/** A bad flag or flag value (exit 2 with the usage text). */
export class UsageError extends SwebenchError {
  override readonly name: string = "UsageError";
  constructor(message: string) {
    super("usage", message);
  }
}

/**
 * The command line, or a config it names, is wrong, or a start-up check refused the run (the
 * process exits 2 with one line).
 */
export function isUsageError(error: unknown): error is SwebenchError | AgentCoreError {
  if (error instanceof SwebenchError) {
    return (
      error.code === "usage" ||
      error.code === "config_not_found" ||
      error.code === "preflight_failed"
    );
  }
  return error instanceof AgentCoreError && error.code === "invalid_config";
}
