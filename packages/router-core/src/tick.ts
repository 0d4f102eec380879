/**
 * One scheduler tick. All modes: reclaim abandoned programs, refresh each backend's shared-token
 * credit from its last snapshot, force through requests that waited forceResumeAfterS. Then the
 * mode's pass (modes/): tr restores paused programs (`restorePaused`, restore-policy.ts) and
 * pauses/marks on backends over capacity (`pauseOverCapacity`, pause-policy.ts). Forced resumes come before the restore/pause pass, so a backend a forced
 * program lands on is brought back under capacity in the same tick.
 * @module
 */
import {
  activeTokens,
  computeSharedTokens,
  remainingCapacity,
  remainingCapacityWithDecay,
} from "./capacity.js";
import { planPauses } from "./pause-policy.js";
import { type Program, restoreGroup } from "./program.js";
import { planRestoreBy, type Room } from "./restore-policy.js";
import type { RouterState } from "./router-state.js";
import type { TickResult } from "./types.js";

export function tick(s: RouterState, now: number): TickResult {
  const result: TickResult = { resumed: [], paused: [], marked: [], restored: [], reclaimed: [] };
  reclaimAbandoned(s, now, result);
  for (const b of s.backendList) b.sharedTokens = computeSharedTokens(b, s.opts.sharedCredit);
  forceResume(s, now, result);
  s.mode.tick(s, now, result);
  return result;
}

/**
 * Scans for idle programs only when one can be due: a program becomes idle with lastActivity =
 * the time it became idle, so after a scan at `now` nothing is due before
 * min(lastActivity of the idle programs left, now) + abandonAfterS.
 */
function reclaimAbandoned(s: RouterState, now: number, result: TickResult): void {
  if (now < s.nextReclaimCheck) return;
  const limit = s.opts.abandonAfterS;
  let idle: Program[] | null = null;
  let oldestKept = now;
  for (const p of s.programs.values()) {
    if (p.inFlight !== 0 || p.pendingCount !== 0) continue;
    if (now - p.lastActivity >= limit) (idle ??= []).push(p);
    else if (p.lastActivity < oldestKept) oldestKept = p.lastActivity;
  }
  s.nextReclaimCheck = oldestKept + limit;
  if (!idle) return;
  for (const p of idle) {
    const dockerIds = s.release(p, now, result.resumed);
    s.counters.reclaimed++;
    result.reclaimed.push({ programId: p.id, dockerIds });
  }
}

function forceResume(s: RouterState, now: number, result: TickResult): void {
  const limit = s.opts.forceResumeAfterS;
  let due: Program[] | null = null;
  // pendingRequests is in arrival order and time never goes backwards, so the first request not
  // yet due ends the scan.
  for (const rec of s.pendingRequests.values()) {
    if (now - rec.arrivedAt < limit) break;
    if (rec.program.state === "paused") (due ??= []).push(rec.program);
  }
  if (!due) return;
  const anyHealthy = s.backendList.some((b) => b.healthy);
  for (const p of due) {
    if (p.state !== "paused" || p.pendingCount === 0) continue; // several due requests of one program
    const origin = p.originBackend !== null ? s.backends.get(p.originBackend) : undefined;
    // "origin" as the original does, unless the origin is unhealthy (the original would still
    // register it there; we never leave a program on a backend that cannot serve it).
    const toOrigin = s.opts.forceResumeTo === "origin" && origin !== undefined && origin.healthy;
    const url = toOrigin ? origin.url : s.leastLoadedByCount();
    if (!anyHealthy) {
      // Nowhere healthy to register it: its requests go out (and will most likely fail
      // upstream) but the program stays queued, so no unhealthy backend holds programs.
      s.counters.forcedResumes++;
      s.releasePending(p, url, now, true, result.resumed);
      continue;
    }
    const from = p.originBackend;
    s.restore(p, url, now, true, result.resumed);
    result.restored.push({ programId: p.id, backend: url, from });
  }
}

export function restorePaused(s: RouterState, now: number, result: TickResult): void {
  if (s.queue.size === 0) return;
  const decay = s.opts.useActingTokenDecay;
  const rooms: Room[] = [];
  const skipUnknown = s.opts.unknownCapacity === "no-restores";
  for (const b of s.backendList) {
    if (!b.healthy) continue;
    if (skipUnknown && b.capacity === null) continue;
    rooms.push({
      url: b.url,
      remaining: decay ? remainingCapacityWithDecay(b, s.cap, now) : remainingCapacity(b, s.cap),
      activeTokens: activeTokens(b, s.opts.actingTokenWeight),
    });
  }
  const queued = s.queue.toArray();
  const tokensOf = (p: Program): number => p.totalTokens;
  const orderOf =
    s.opts.restoreOrder === "at-pause" ? (p: Program): number => p.pausedTokens : tokensOf;
  const placements = planRestoreBy(
    queued,
    tokensOf,
    restoreGroup,
    rooms,
    s.opts.bufferPerProgram,
    orderOf,
  );
  for (const { item: p, backend } of placements) {
    const from = p.originBackend;
    s.restore(p, backend, now, false, result.resumed);
    result.restored.push({ programId: p.id, backend, from });
  }
}

export function pauseOverCapacity(s: RouterState, now: number, result: TickResult): void {
  for (const b of s.backendList) {
    const plan = planPauses(b, s.cap, s.opts.markReasoning, s.opts.pauseTies);
    for (const p of plan.pause) {
      s.pause(p, now);
      result.paused.push(p.id);
    }
    for (const p of plan.mark) {
      s.mark(p);
      result.marked.push(p.id);
    }
  }
}
