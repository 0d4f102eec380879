/**
 * SGLang: Prometheus text on `/metrics` plus `/get_server_info` (JSON) for the capacity, parsed by
 * `parseSglangMetrics`.
 * @module
 */
import { indexByName, parsePrometheusText, sumOf } from "../prometheus-text.js";
import { parseSglangMetrics } from "../sglang-metrics.js";
import { requiredBody, type BackendType, type ServedCounters } from "./backend-type.js";

/** `sglang:num_requests_total`, and prompt/cached tokens as the prefix-cache counters. */
export function readSglangServed(text: string): ServedCounters {
  const byName = indexByName(parsePrometheusText(text));
  const sum = (name: string): number => sumOf(byName, name) ?? 0;
  return {
    completed: sum("sglang:num_requests_total"),
    prefixQueries: sum("sglang:prompt_tokens_total"),
    prefixHits: sum("sglang:cached_tokens_total"),
  };
}

export const sglangBackend: BackendType = {
  summary: "SGLang (Prometheus text on /metrics, capacity from /get_server_info)",
  fetch: [
    { path: "/metrics", required: true },
    { path: "/get_server_info", required: false },
  ],
  parse: (bodies) => {
    const info = bodies["/get_server_info"];
    return parseSglangMetrics(
      requiredBody(bodies, "/metrics"),
      typeof info === "string" ? (JSON.parse(info) as unknown) : null,
    );
  },
  capacity:
    "/get_server_info max_total_num_tokens, else Σ internal_states[].memory_usage.token_capacity, else the sglang:max_total_num_tokens gauge",
  servedCalls: { path: "/metrics", counter: "sglang:num_requests_total", read: readSglangServed },
  example: {
    bodies: {
      "/metrics": [
        'sglang:num_running_reqs{tp_rank="0"} 1',
        'sglang:num_requests_total{tp_rank="0"} 9',
        'sglang:prompt_tokens_total{tp_rank="0"} 50',
        'sglang:cached_tokens_total{tp_rank="0"} 20',
        "",
      ].join("\n"),
      "/get_server_info": '{"max_total_num_tokens": 4096, "page_size": 1}',
    },
    capacityTokens: 4096,
    served: { completed: 9, prefixQueries: 50, prefixHits: 20 },
  },
};
