/**
 * Idle lease of acting programs (`actingLeaseS`). An acting program (its tool runs, no request in
 * the engine) that has not sent a request for `actingLeaseS` seconds since its last response
 * stops counting its tokens as reserved on its backend: the capacity goes to others. Its next
 * request renews the lease (its tokens count again from then on). For clients that never call
 * `/programs/release`; the original has no lease (null): an acting program reserves its tokens
 * until it is paused, released or reclaimed after `abandonAfterS`.
 *
 * The program stays registered and keeps its state; what its backend's sums hold for it drops
 * to 0 tokens and no buffer (a client that never releases leaves programs that never return:
 * with their buffers counted, 200 finished programs would hold 120K tokens at 600 each).
 * @module
 */
import type { Program } from "../program.js";
import type { RouterState } from "../router-state.js";

/** The tokens a program's backend counts for it: 0 once its lease expired. */
export function reservedTokens(p: Program): number {
  return p.leaseExpired ? 0 : p.totalTokens;
}

/** The buffer a program's backend counts for it: none once its lease expired. */
export function bufferOf(p: Program, bufferPerProgram: number): number {
  return p.leaseExpired ? 0 : bufferPerProgram;
}

/** A request arrived: the program reserves its tokens again (the caller re-syncs its backend). */
export function renewLease(p: Program): void {
  p.leaseExpired = false;
}

/**
 * Expires the leases due at `now` (active or paused acting programs whose last response ended
 * `actingLeaseS` ago or more). Scans only when one can be due: after a scan at `now`, nothing
 * expires before min(actingSince of the acting programs left, now) + lease.
 */
export function expireLeases(s: RouterState, now: number): void {
  const lease = s.opts.actingLeaseS;
  if (lease === null || now < s.nextLeaseCheck) return;
  let oldestKept = now;
  for (const p of s.programs.values()) {
    if (p.status !== "acting" || p.leaseExpired || p.actingSince === null) continue;
    if (now - p.actingSince >= lease) {
      p.leaseExpired = true;
      s.touch(p);
      s.counters.leaseExpiries++;
    } else if (p.actingSince < oldestKept) oldestKept = p.actingSince;
  }
  s.nextLeaseCheck = oldestKept + lease;
}
