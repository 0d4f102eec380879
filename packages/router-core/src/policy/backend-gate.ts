/**
 * Which backends take programs now (admissions of new programs and restores of paused ones):
 *
 * - `gateQueuedBackends`: not a backend whose last scrape reports requests waiting in the engine
 *   (`num_requests_waiting` > 0): it is already short of KV or compute, and a program placed
 *   there would queue behind them. The original admits and restores by its token arithmetic
 *   alone (false).
 * - `kvLowWatermark`: not a backend whose KV-usage signal is above it (policy/kv-signal.ts).
 *
 * Forced resumes ignore the gate, as they ignore capacity.
 * @module
 */
import type { BackendState } from "../backend-state.js";
import type { RouterOptions } from "../options.js";

type GateOptions = Pick<RouterOptions, "gateQueuedBackends" | "kvLowWatermark">;

export function takesPrograms(b: BackendState, o: GateOptions): boolean {
  if (o.gateQueuedBackends && (b.snapshot?.numRequestsWaiting ?? 0) > 0) return false;
  const low = o.kvLowWatermark;
  if (low !== null && b.kvUsageSignal !== null && b.kvUsageSignal > low) return false;
  return true;
}

/** True when no gate is configured (the original): the callers skip the check. */
export function gateOff(o: GateOptions): boolean {
  return !o.gateQueuedBackends && o.kvLowWatermark === null;
}
