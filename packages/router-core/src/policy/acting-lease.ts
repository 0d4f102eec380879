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

/** A tool call of `p` lasted `seconds`: its running mean (0.2·sample + 0.8·old). */
export function noteToolTime(p: Program, seconds: number): void {
  p.toolTimeS = p.toolTimeS === null ? seconds : 0.2 * seconds + 0.8 * p.toolTimeS;
}

/**
 * `p`'s lease: `actingLeaseS`, or with `actingLeaseToolFactor` f the longer of that and f × its
 * own mean tool time, so a program whose tools run long keeps its tokens through them while one
 * gone quiet (a client that never releases) still expires.
 */
export function leaseOf(p: Program, lease: number, toolFactor: number | null): number {
  if (toolFactor === null || p.toolTimeS === null) return lease;
  return Math.max(lease, toolFactor * p.toolTimeS);
}

/**
 * Expires the leases due at `now` (active or paused acting programs whose last response ended
 * their lease ago or more). Scans only when one can be due: after a scan at `now`, nothing
 * expires before the earliest due time of the acting programs left.
 */
export function expireLeases(s: RouterState, now: number): void {
  const lease = s.opts.actingLeaseS;
  if (lease === null || now < s.nextLeaseCheck) return;
  const factor = s.opts.actingLeaseToolFactor;
  let next = now + lease;
  for (const p of s.programs.values()) {
    if (p.status !== "acting" || p.leaseExpired || p.actingSince === null) continue;
    const due = p.actingSince + leaseOf(p, lease, factor);
    if (now >= due) {
      p.leaseExpired = true;
      s.touch(p);
      s.counters.leaseExpiries++;
    } else if (due < next) next = due;
  }
  s.nextLeaseCheck = next;
}
