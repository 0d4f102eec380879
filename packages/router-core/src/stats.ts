/**
 * Counters and gauges for the proxy's own Prometheus exposition (`RouterStats`).
 * @module
 */
import { capacityOverflow, usedTokens } from "./capacity.js";
import type { HistogramSnapshot } from "./histogram.js";
import { longestWaits } from "./policy/wait-bound.js";
import type { RouterCounters, RouterState } from "./router-state.js";

export interface BackendStats {
  url: string;
  healthy: boolean;
  /** null while unknown (no snapshot with a capacity yet). */
  capacity: number | null;
  used: number;
  shared: number;
  overflow: number;
  reasoningTokens: number;
  actingTokens: number;
  /** Registered programs by status (all active). */
  programs: { reasoning: number; acting: number; markedForPause: number };
  /** Paused programs whose origin is this backend. */
  paused: number;
  /** The KV-usage signal (smoothed with kvUsageSmoothingS), null before a scrape. */
  kvUsageSignal: number | null;
}

export interface RouterStats extends RouterCounters {
  programs: number;
  /** Paused programs (the global waiting queue). */
  queueLength: number;
  /** Requests waiting for their program's restore. */
  pendingRequests: number;
  inFlightRequests: number;
  charsPerToken: number;
  /** How long requests waited for a restore, seconds (only requests that waited). */
  pauseTimeHistogram: HistogramSnapshot;
  programsByState: { active: number; paused: number };
  programsByStatus: { reasoning: number; acting: number };
  /** Seconds the oldest waiting request has waited (0 when none; policy/wait-bound.ts). */
  longestWaitS: number;
  /** Seconds the longest-paused program has been paused (0 when none). */
  longestPausedS: number;
  backends: BackendStats[];
}

/** The stats at `now` (the waits are measured then; the rest is the current state). */
export function routerStats(s: RouterState, now: number): RouterStats {
  let reasoning = 0;
  let inFlight = 0;
  for (const p of s.programs.values()) {
    if (p.status === "reasoning") reasoning++;
    inFlight += p.inFlight;
  }
  const paused = new Map<string, number>();
  for (const p of s.queue.values()) {
    if (p.originBackend !== null)
      paused.set(p.originBackend, (paused.get(p.originBackend) ?? 0) + 1);
  }
  return {
    ...s.counters,
    programs: s.programs.size,
    queueLength: s.queue.size,
    pendingRequests: s.pendingRequests.size,
    inFlightRequests: inFlight,
    charsPerToken: s.estimator.charsPerToken,
    pauseTimeHistogram: s.pauseTime.snapshot(),
    programsByState: { active: s.programs.size - s.queue.size, paused: s.queue.size },
    programsByStatus: { reasoning, acting: s.programs.size - reasoning },
    ...longestWaits(s, now),
    backends: s.backendList.map((b) => ({
      url: b.url,
      healthy: b.healthy,
      capacity: b.capacity,
      used: usedTokens(b, s.cap),
      shared: b.sharedTokens,
      overflow: capacityOverflow(b, s.cap),
      reasoningTokens: b.reasoningTokens,
      actingTokens: b.actingTokens,
      programs: {
        reasoning: b.reasoningCount,
        acting: b.actingCount,
        markedForPause: b.markedCount,
      },
      paused: paused.get(b.url) ?? 0,
      kvUsageSignal: b.kvUsageSignal,
    })),
  };
}
