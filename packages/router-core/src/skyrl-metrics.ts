/**
 * SkyRL's JSON `/metrics` → BackendSnapshot. SkyRL has no standard KV interface; the shape the
 * original ThunderAgent reads, and we accept, is:
 *
 *   { "timestamp": 1770532792.69,
 *     "engines": [ { "engine_id": 0, "kv_cache_usage_pct": 5.9,        // percent, 0..100
 *                    "num_running_reqs": 2, "num_waiting_reqs": 0,
 *                    "num_cumulative_preemption": 0,
 *                    "kv_cache_capacity_tokens": 200000 }, … ] }     // optional (ours)
 *
 * Capacity is the sum over engines of `kv_cache_capacity_tokens`, or of 200,000 tokens per engine
 * when absent (the original's estimate). KV usage is the capacity-weighted mean, as a fraction.
 * Optional cumulative counters per engine (`prompt_tokens`, `generation_tokens`,
 * `prefix_cache_queries`, `prefix_cache_hits`, `num_requests_completed`) are summed when present.
 * Anything that does not match gives a snapshot with no capacity and zeros.
 * @module
 */
import { z } from "zod";
import type { BackendSnapshot } from "./types.js";
import { emptySnapshot } from "./snapshot.js";

/** The original's per-engine capacity estimate when SkyRL does not say. */
export const SKYRL_DEFAULT_ENGINE_CAPACITY = 200_000;

const num = z.number().finite().nonnegative().catch(0);
const optNum = z.number().finite().positive().optional().catch(undefined);

export const SkyrlEngineMetrics = z.looseObject({
  engine_id: z.union([z.number(), z.string()]).optional().catch(undefined),
  kv_cache_usage_pct: num.default(0),
  num_running_reqs: num.default(0),
  num_waiting_reqs: num.default(0),
  num_cumulative_preemption: num.default(0),
  kv_cache_capacity_tokens: optNum,
  prompt_tokens: num.default(0),
  generation_tokens: num.default(0),
  prefix_cache_queries: num.default(0),
  prefix_cache_hits: num.default(0),
  num_requests_completed: num.default(0),
});

export const SkyrlMetrics = z.looseObject({
  timestamp: z.number().optional().catch(undefined),
  engines: z.array(SkyrlEngineMetrics),
});
export type SkyrlMetrics = z.infer<typeof SkyrlMetrics>;

export function parseSkyrlMetrics(json: unknown): BackendSnapshot {
  const parsed = SkyrlMetrics.safeParse(json);
  const engines = parsed.success ? parsed.data.engines : [];
  let capacity = 0;
  let weightedUsage = 0;
  const snap: BackendSnapshot = emptySnapshot();
  for (const e of engines) {
    const cap = e.kv_cache_capacity_tokens ?? SKYRL_DEFAULT_ENGINE_CAPACITY;
    capacity += cap;
    weightedUsage += (Math.min(100, e.kv_cache_usage_pct) / 100) * cap;
    snap.numRequestsRunning += e.num_running_reqs;
    snap.numRequestsWaiting += e.num_waiting_reqs;
    snap.numPreemptions += e.num_cumulative_preemption;
    snap.promptTokens += e.prompt_tokens;
    snap.generationTokens += e.generation_tokens;
    snap.prefixCacheQueries += e.prefix_cache_queries;
    snap.prefixCacheHits += e.prefix_cache_hits;
    snap.requestsCompleted += e.num_requests_completed;
  }
  if (engines.length > 0) {
    snap.capacityTokens = capacity;
    snap.kvCacheUsage = capacity > 0 ? Math.min(1, weightedUsage / capacity) : 0;
  }
  return snap;
}
