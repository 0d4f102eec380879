/**
 * The bench's one error base: every error it throws on purpose is a {@link BenchError} with a
 * literal `code` (and whether retrying may help), so callers tell errors apart by class or code,
 * never by `name` or message text. Errors of the packages it drives keep their own base
 * (reproduce's, engine-sim's `EngineSimError` when a server does not start).
 * @module
 */
import { CodedError } from "@thunderagent/protocol";

export type BenchErrorCode =
  /** bench:vs-original: the Python original's router failed before it answered. */
  | "original_failed"
  /** bench:vs-original: a plan that is not one router run with a profile CSV. */
  | "invalid_plan"
  /** bench:vs-original: the sample dataset is missing. */
  | "missing_dataset"
  /** bench:vs-original: reproduce's runPlan gave no outcome. */
  | "no_outcome"
  /** bench:vs-original: a file that is not a rows file of this bench. */
  | "invalid_rows"
  /** bench:sched: a simulation that failed in its worker thread. */
  | "simulation_failed"
  /** bench:sched: worker.ts loaded outside a worker thread. */
  | "not_in_worker"
  /** bench:sched: a request id the simulation does not know (a router or gateway bug). */
  | "unknown_request"
  /** bench:core: replays of a deterministic bench that did not do the same work. */
  | "not_deterministic"
  /** bench:core: a request that had to wait where the bench expects none to. */
  | "unexpected_wait"
  /** bench:proxy: taskset could not pin a process. */
  | "pin_failed"
  /** bench:proxy: wrk failed or printed no result. */
  | "wrk_failed";

export class BenchError extends CodedError<BenchErrorCode> {
  override readonly name: string = "BenchError";
}
