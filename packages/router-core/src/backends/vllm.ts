/**
 * vLLM: Prometheus text on `/metrics` (docs/wire-facts.md), parsed by `parseVllmMetrics`.
 * @module
 */
import { parsePrometheusText } from "../prometheus-text.js";
import { parseVllmMetrics } from "../vllm-metrics.js";
import { requiredBody, type BackendType, type ServedCounters } from "./backend-type.js";

/** `vllm:request_success_total` without aborts, and the prefix-cache counters, summed. */
export function readVllmServed(text: string): ServedCounters {
  let completed = 0;
  let prefixQueries = 0;
  let prefixHits = 0;
  for (const s of parsePrometheusText(text)) {
    if (s.name === "vllm:request_success_total" && s.labels.finished_reason !== "abort") {
      completed += s.value;
    } else if (s.name === "vllm:prefix_cache_queries_total") prefixQueries += s.value;
    else if (s.name === "vllm:prefix_cache_hits_total") prefixHits += s.value;
  }
  return { completed, prefixQueries, prefixHits };
}

export const vllmBackend: BackendType = {
  summary: "vLLM (Prometheus text on /metrics)",
  fetch: [{ path: "/metrics", required: true }],
  parse: (bodies) => parseVllmMetrics(requiredBody(bodies, "/metrics")),
  capacity:
    "kv_cache_size_tokens, else block_size × num_gpu_blocks of cache_config_info, per engine",
  servedCalls: { path: "/metrics", counter: "vllm:request_success_total", read: readVllmServed },
  example: {
    bodies: {
      "/metrics": [
        'vllm:cache_config_info{block_size="16",engine="0",num_gpu_blocks="100"} 1.0',
        'vllm:request_success_total{engine="0",finished_reason="stop"} 5.0',
        'vllm:request_success_total{engine="0",finished_reason="abort"} 2.0',
        'vllm:prefix_cache_queries_total{engine="0"} 40.0',
        'vllm:prefix_cache_hits_total{engine="0"} 30.0',
        "",
      ].join("\n"),
    },
    capacityTokens: 1600,
    served: { completed: 5, prefixQueries: 40, prefixHits: 30 },
  },
};
