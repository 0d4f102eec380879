/**
 * vLLM's `/metrics` → BackendSnapshot (docs/wire-facts.md, "Metrics").
 *
 * - Exact names on the wire (`vllm:num_requests_waiting`, never `…_waiting_by_reason`).
 * - Current and legacy names: `kv_cache_usage_perc` | `gpu_cache_usage_perc`,
 *   `prefix_cache_{queries,hits}_total` | `gpu_prefix_cache_{queries,hits}_total`.
 * - Data parallel: counters and running/waiting are summed over `engine="0".."N-1"`; capacity is
 *   per engine (from each engine's `vllm:cache_config_info`) and summed; KV usage is the
 *   capacity-weighted mean of the engines' usages (the plain mean when a capacity is missing).
 * - Capacity of an engine: label `kv_cache_size_tokens` when present, else block_size ×
 *   num_gpu_blocks (the original's rule; the null block is not subtracted).
 * - `requestsCompleted` sums `vllm:request_success_total` over every finished_reason.
 * @module
 */
import {
  indexByName,
  parsePrometheusText,
  type PromSample,
  sumOfFirst,
} from "./prometheus-text.js";
import type { BackendSnapshot } from "./types.js";

interface EngineCache {
  capacity: number | null;
  blockSize: number | null;
  numGpuBlocks: number | null;
}

/** A label holding a Python str() of a number ("16", "27283", "None" → null). */
function labelNumber(v: string | undefined): number | null {
  if (v === undefined) return null;
  const t = v.trim();
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

const engineOf = (s: PromSample): string => s.labels.engine ?? "0";

export function cacheConfigByEngine(samples: readonly PromSample[]): Map<string, EngineCache> {
  const out = new Map<string, EngineCache>();
  for (const s of samples) {
    if (s.name !== "vllm:cache_config_info") continue;
    const blockSize = labelNumber(s.labels.block_size);
    const numGpuBlocks = labelNumber(s.labels.num_gpu_blocks);
    const sizeTokens = labelNumber(s.labels.kv_cache_size_tokens);
    const capacity =
      sizeTokens !== null && sizeTokens > 0
        ? sizeTokens
        : blockSize !== null && numGpuBlocks !== null
          ? blockSize * numGpuBlocks
          : null;
    out.set(engineOf(s), { capacity, blockSize, numGpuBlocks });
  }
  return out;
}

/** Capacity-weighted mean of per-engine KV usage, clamped to 0..1. */
function kvUsage(
  list: readonly PromSample[] | undefined,
  caches: Map<string, EngineCache>,
): number {
  if (!list || list.length === 0) return 0;
  let weighted = 0;
  let weight = 0;
  let plain = 0;
  let n = 0;
  let allWeighted = true;
  for (const s of list) {
    if (!Number.isFinite(s.value)) continue;
    plain += s.value;
    n++;
    const cap = caches.get(engineOf(s))?.capacity ?? null;
    if (cap === null || cap <= 0) allWeighted = false;
    else {
      weighted += s.value * cap;
      weight += cap;
    }
  }
  if (n === 0) return 0;
  const usage = allWeighted && weight > 0 ? weighted / weight : plain / n;
  return Math.min(1, Math.max(0, usage));
}

export function parseVllmMetrics(text: string): BackendSnapshot {
  const samples = parsePrometheusText(text);
  const byName = indexByName(samples);
  const caches = cacheConfigByEngine(samples);

  let capacity: number | null = null;
  let blockSize: number | null = null;
  let numGpuBlocks: number | null = null;
  for (const c of caches.values()) {
    if (c.capacity !== null) capacity = (capacity ?? 0) + c.capacity;
    if (blockSize === null && c.blockSize !== null) blockSize = c.blockSize;
    if (c.numGpuBlocks !== null) numGpuBlocks = (numGpuBlocks ?? 0) + c.numGpuBlocks;
  }

  const usageList =
    byName.get("vllm:kv_cache_usage_perc") ?? byName.get("vllm:gpu_cache_usage_perc");
  const sum = (...names: string[]): number => sumOfFirst(byName, names) ?? 0;
  return {
    capacityTokens: capacity,
    blockSize,
    numGpuBlocks,
    kvCacheUsage: kvUsage(usageList, caches),
    numRequestsRunning: sum("vllm:num_requests_running"),
    numRequestsWaiting: sum("vllm:num_requests_waiting"),
    prefixCacheQueries: sum(
      "vllm:prefix_cache_queries_total",
      "vllm:gpu_prefix_cache_queries_total",
    ),
    prefixCacheHits: sum("vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_hits_total"),
    promptTokens: sum("vllm:prompt_tokens_total"),
    generationTokens: sum("vllm:generation_tokens_total"),
    numPreemptions: sum("vllm:num_preemptions_total", "vllm:num_preemptions"),
    requestsCompleted: sum("vllm:request_success_total"),
  };
}

/** True when the text has vLLM's scheduler stats (false under `--disable-log-stats`). */
export function hasVllmStats(text: string): boolean {
  return parsePrometheusText(text).some((s) => s.name === "vllm:num_requests_running");
}
