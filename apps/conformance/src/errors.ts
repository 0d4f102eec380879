/**
 * The conformance harness's one error base: every error it throws on purpose is a
 * {@link ConformanceError} with a literal `code` (and whether retrying may help), so callers tell
 * errors apart by class or code, never by `name` or message text. Errors of the packages it
 * uses keep their own base (engine-sim's `EngineSimError` when a router does not start).
 * @module
 */
import { CodedError } from "@thunderagent/protocol";

export type ConformanceErrorCode =
  /** A scenario file that does not parse or validate. */
  | "invalid_scenario"
  /** A scenario name asked for that has no file. */
  | "unknown_scenario"
  /** A golden trace file that does not validate. */
  | "invalid_trace"
  /** A router command template with a placeholder the harness does not fill. */
  | "unknown_placeholder"
  /** A step that names a request the fake vLLM does not hold, or streams a non-stream. */
  | "invalid_step"
  /** A router view (`/programs`, `/metrics`, …) that answered with an error status. */
  | "snapshot_failed"
  /** A scenario whose replay failed (the cause, with the router's output). */
  | "scenario_failed";

export class ConformanceError extends CodedError<ConformanceErrorCode> {
  override readonly name: string = "ConformanceError";
}
