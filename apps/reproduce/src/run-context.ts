/**
 * What running a plan shares across its steps: the supervisor, the abort signal, the log, and
 * `guard`, which ends any wait as soon as a child fails or the run is aborted.
 * @module
 */
import type { SystemPlan } from "./plan-types.js";
import type { Supervisor } from "./supervisor.js";

export interface RunContext {
  readonly supervisor: Supervisor;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  /** Seconds between progress lines (default 10). */
  readonly progressEveryS?: number;
  /**
   * Called once a system's engines and router answer, before its runners start (the sweep's
   * preflight: a rejection ends the run before the long part).
   */
  readonly beforeRunners?: (sys: SystemPlan) => Promise<void>;
  /** Called when the window has closed, before anything of the system is stopped. */
  readonly afterWindow?: (sys: SystemPlan) => Promise<void>;
}

const abortPromises = new WeakMap<AbortSignal, Promise<never>>();

/** One promise per signal that rejects when it aborts (no listener piles up across waits). */
function abortedPromise(signal: AbortSignal): Promise<never> {
  let p = abortPromises.get(signal);
  if (!p) {
    p = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
    p.catch(() => {});
    abortPromises.set(signal, p);
  }
  return p;
}

/** Resolves with `p`, or rejects as soon as a child fails or the run is aborted. */
export function guard<T>(p: Promise<T>, ctx: RunContext): Promise<T> {
  return Promise.race([p, ctx.supervisor.failed, abortedPromise(ctx.signal)]);
}
