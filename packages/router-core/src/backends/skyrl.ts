/**
 * SkyRL: JSON on `/metrics` (shape in skyrl-metrics.ts), parsed by `parseSkyrlMetrics`.
 * @module
 */
import { parseSkyrlMetrics } from "../skyrl-metrics.js";
import { requiredBody, type BackendType, type ServedCounters } from "./backend-type.js";

/** Σ engines[].num_requests_completed and the prefix-cache counters of the JSON. */
export function readSkyrlServed(body: string): ServedCounters {
  const s = parseSkyrlMetrics(JSON.parse(body) as unknown);
  return {
    completed: s.requestsCompleted,
    prefixQueries: s.prefixCacheQueries,
    prefixHits: s.prefixCacheHits,
  };
}

export const skyrlBackend: BackendType = {
  summary: "SkyRL (JSON on /metrics)",
  fetch: [{ path: "/metrics", required: true }],
  parse: (bodies) => parseSkyrlMetrics(JSON.parse(requiredBody(bodies, "/metrics")) as unknown),
  capacity: "Σ engines[].kv_cache_capacity_tokens, else 200,000 tokens per engine",
  servedCalls: { path: "/metrics", counter: "num_requests_completed", read: readSkyrlServed },
  example: {
    bodies: {
      "/metrics": JSON.stringify({
        engines: [
          { engine_id: 0, kv_cache_usage_pct: 10, num_requests_completed: 3 },
          { engine_id: 1, kv_cache_capacity_tokens: 1000, prefix_cache_queries: 8 },
        ],
      }),
    },
    capacityTokens: 201_000,
    served: { completed: 3, prefixQueries: 8, prefixHits: 0 },
  },
};
