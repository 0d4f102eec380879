/**
 * Bounded waiting (`restoreBoostAfterS`, with `forceResumeAfterS` as the backstop).
 *
 * - Boost: a program paused `restoreBoostAfterS` seconds or longer goes ahead of every restore
 *   priority group, longest paused first, so a large program is not passed over by smaller ones
 *   forever. null (the original): no boost, only the restore priority groups.
 * - Backstop: a request that waited `forceResumeAfterS` is forced through, capacity ignored
 *   (tick.ts). The original's is 1800 s; other schedulers cap waiting at 300 s or boost after
 *   15 min.
 * - Observability: the longest current wait of a request and the longest current pause of a
 *   program (RouterStats `longestWaitS`, `longestPausedS`).
 * @module
 */
import type { Program } from "../program.js";
import type { RouterState } from "../router-state.js";

export interface RestoreRanking {
  groupOf: (p: Program) => number;
  orderOf: (p: Program) => number;
}

/** `base` with the boosted programs as a group before all others, in pause order. */
export function withBoost(
  base: RestoreRanking,
  boostAfterS: number | null,
  now: number,
): RestoreRanking {
  if (boostAfterS === null) return base;
  const boosted = (p: Program): boolean => p.pausedAt !== null && now - p.pausedAt >= boostAfterS;
  return {
    groupOf: (p) => (boosted(p) ? 0 : base.groupOf(p) + 1),
    // One key for all boosted programs: the stable sort keeps the queue's pause order.
    orderOf: (p) => (boosted(p) ? 0 : base.orderOf(p)),
  };
}

/**
 * Seconds the oldest waiting request has waited and the longest-paused program has been paused,
 * at `now` (0 when none). O(1): requests wait in arrival order, the queue is in pause order.
 */
export function longestWaits(
  s: RouterState,
  now: number,
): { longestWaitS: number; longestPausedS: number } {
  const oldestRequest = s.pendingRequests.values().next();
  const oldestPaused = s.queue.values().next();
  const since = (t: number | null | undefined): number =>
    t === null || t === undefined ? 0 : Math.max(0, now - t);
  return {
    longestWaitS: since(oldestRequest.done ? null : oldestRequest.value.arrivedAt),
    longestPausedS: since(oldestPaused.done ? null : oldestPaused.value.pausedAt),
  };
}
