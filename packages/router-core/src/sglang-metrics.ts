/**
 * SGLang's `/metrics` (+ `/get_server_info`) → BackendSnapshot (docs/wire-facts.md, "SGLang").
 *
 * - Scheduler gauges count once per dp rank: with `--enable-metrics-for-all-schedulers` every tp
 *   rank repeats its dp rank's values, so only the lowest `tp_rank` of each `dp_rank` is read.
 * - Running/waiting: `sglang:num_running_reqs` / `sglang:num_queue_reqs`, summed over dp ranks.
 * - KV usage: `sglang:token_usage` (evictable radix cache counts as free), mean over dp ranks.
 * - Prefix cache: queries = `sglang:prompt_tokens_total`, hits = `sglang:cached_tokens_total`
 *   (summed over `cache_source` labels); `sglang:cache_hit_rate` is per-batch and ignored.
 * - Preemptions: `sglang:num_retracted_requests_total`; completed: `sglang:num_requests_total`.
 * - Capacity: `/get_server_info`'s top-level `max_total_num_tokens`, else the sum of
 *   `internal_states[i].memory_usage.token_capacity`, else the `sglang:max_total_num_tokens`
 *   gauge (newer builds), summed over dp ranks. Block size is the server's `page_size`.
 * @module
 */
import { z } from "zod";
import { indexByName, parsePrometheusText, type PromSample, sumOf } from "./prometheus-text.js";
import type { BackendSnapshot } from "./types.js";

const positive = z.number().finite().positive();

/** The parts of `/get_server_info` we read; everything else passes. */
export const SglangServerInfo = z.looseObject({
  max_total_num_tokens: positive.optional().catch(undefined),
  page_size: positive.optional().catch(undefined),
  internal_states: z
    .array(
      z.looseObject({
        memory_usage: z
          .looseObject({ token_capacity: positive.optional().catch(undefined) })
          .optional()
          .catch(undefined),
      }),
    )
    .optional()
    .catch(undefined),
});
export type SglangServerInfo = z.infer<typeof SglangServerInfo>;

export function sglangCapacity(serverInfo: unknown): {
  capacity: number | null;
  pageSize: number | null;
} {
  if (serverInfo === null || serverInfo === undefined) return { capacity: null, pageSize: null };
  const parsed = SglangServerInfo.safeParse(serverInfo);
  if (!parsed.success) return { capacity: null, pageSize: null };
  const info = parsed.data;
  const pageSize = info.page_size ?? null;
  if (info.max_total_num_tokens !== undefined)
    return { capacity: info.max_total_num_tokens, pageSize };
  let sum = 0;
  let any = false;
  for (const st of info.internal_states ?? []) {
    const c = st.memory_usage?.token_capacity;
    if (c !== undefined) {
      sum += c;
      any = true;
    }
  }
  return { capacity: any ? sum : null, pageSize };
}

/** One sample per dp rank: the one with the lowest tp_rank (all of a dp rank's tp ranks agree). */
export function onePerDpRank(samples: readonly PromSample[]): PromSample[] {
  const best = new Map<string, PromSample>();
  const tp = (s: PromSample): number => {
    const n = Number(s.labels.tp_rank ?? "0");
    return Number.isFinite(n) ? n : 0;
  };
  for (const s of samples) {
    const key = s.labels.dp_rank ?? "";
    const cur = best.get(key);
    if (!cur || tp(s) < tp(cur)) best.set(key, s);
  }
  return [...best.values()];
}

const SCHEDULER_GAUGES = [
  "sglang:num_running_reqs",
  "sglang:num_queue_reqs",
  "sglang:token_usage",
  "sglang:max_total_num_tokens",
];

export function parseSglangMetrics(
  metricsText: string,
  serverInfo: unknown | null,
): BackendSnapshot {
  const byName = indexByName(parsePrometheusText(metricsText));
  for (const name of SCHEDULER_GAUGES) {
    const list = byName.get(name);
    if (list) byName.set(name, onePerDpRank(list));
  }
  const sum = (name: string): number => sumOf(byName, name) ?? 0;
  const info = sglangCapacity(serverInfo);
  const gauge = sumOf(byName, "sglang:max_total_num_tokens");
  const capacity = info.capacity ?? (gauge !== null && gauge > 0 ? gauge : null);

  let usage = 0;
  const usageList = (byName.get("sglang:token_usage") ?? []).filter((s) =>
    Number.isFinite(s.value),
  );
  if (usageList.length > 0) usage = usageList.reduce((a, s) => a + s.value, 0) / usageList.length;

  return {
    capacityTokens: capacity,
    blockSize: info.pageSize,
    numGpuBlocks: null,
    kvCacheUsage: Math.min(1, Math.max(0, usage)),
    numRequestsRunning: sum("sglang:num_running_reqs"),
    numRequestsWaiting: sum("sglang:num_queue_reqs"),
    prefixCacheQueries: sum("sglang:prompt_tokens_total"),
    prefixCacheHits: sum("sglang:cached_tokens_total"),
    promptTokens: sum("sglang:prompt_tokens_total"),
    generationTokens: sum("sglang:generation_tokens_total"),
    numPreemptions: sum("sglang:num_retracted_requests_total"),
    requestsCompleted: sum("sglang:num_requests_total"),
  };
}
