/**
 * One scheduler tick. All modes: reclaim abandoned programs, expire acting leases
 * (policy/acting-lease.ts), refresh each backend's shared-token credit from its last snapshot,
 * force through requests that waited forceResumeAfterS. Then the mode's pass (modes/): tr
 * restores paused programs (`restorePaused`, restore-pass.ts) and pauses/marks on backends over
 * capacity or over the KV high watermark (`pauseOverCapacity`, pause-policy.ts,
 * policy/kv-signal.ts). Forced resumes come before the restore/pause pass, so a backend a forced
 * program lands on is brought back under capacity in the same tick.
 * @module
 */
import { computeSharedTokens } from "./capacity.js";
import { planPauses, smallestFirst, unmarkedReasoning } from "./pause-policy.js";
import { expireLeases } from "./policy/acting-lease.js";
import { kvExcessTokens, planKvMarks } from "./policy/kv-signal.js";
import { victimKey } from "./policy/victim-penalty.js";
import type { Program } from "./program.js";
import type { RouterState } from "./router-state.js";
import type { TickResult } from "./types.js";

export function tick(s: RouterState, now: number): TickResult {
  const result: TickResult = { resumed: [], paused: [], marked: [], restored: [], reclaimed: [] };
  s.lastTickAt = now;
  reclaimAbandoned(s, now, result);
  expireLeases(s, now);
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

export function pauseOverCapacity(s: RouterState, now: number, result: TickResult): void {
  const o = s.opts;
  const victimKeyAt = victimKey(o.victimPenalty, o.victimMemoryS, now);
  const choice = { markReasoning: o.markReasoning, pauseTies: o.pauseTies, victimKey: victimKeyAt };
  for (const b of s.backendList) {
    const plan = planPauses(b, s.cap, choice);
    const kvExcess = b.healthy ? kvExcessTokens(b, o) : 0;
    if (kvExcess > 0) {
      const ordered = smallestFirst(unmarkedReasoning(b), o.pauseTies, victimKeyAt);
      plan.mark.push(...planKvMarks(ordered, kvExcess, plan.mark));
    }
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
