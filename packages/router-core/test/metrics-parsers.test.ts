import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  hasVllmStats,
  parseSglangMetrics,
  parseSkyrlMetrics,
  parseVllmMetrics,
  SKYRL_DEFAULT_ENGINE_CAPACITY,
} from "../src/index.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("parseVllmMetrics", () => {
  it("reads the sample exposition (docs/wire-facts.md) verbatim", () => {
    expect(parseVllmMetrics(fixture("vllm-sample-1.6.txt"))).toEqual({
      capacityTokens: 16 * 27283, // 436528
      blockSize: 16,
      numGpuBlocks: 27283,
      kvCacheUsage: 0.4375,
      numRequestsRunning: 12,
      numRequestsWaiting: 3,
      prefixCacheQueries: 1843200, // not 1.8432
      prefixCacheHits: 1511424,
      promptTokens: 1843200,
      generationTokens: 96512,
      numPreemptions: 0,
      requestsCompleted: 249, // 240 + 7 + 2 + 0 over finished_reason
    });
  });

  it("sums DP=2 engines, prefers kv_cache_size_tokens, and ignores *_by_reason", () => {
    const snap = parseVllmMetrics(fixture("vllm-dp2-newer.txt"));
    expect(snap).toEqual({
      capacityTokens: 1509376 + 503125,
      blockSize: 16,
      numGpuBlocks: 94336 + 31445,
      // capacity-weighted: (0.5·1509376 + 0.25·503125) / 2012501
      kvCacheUsage: (0.5 * 1509376 + 0.25 * 503125) / 2012501,
      numRequestsRunning: 78,
      numRequestsWaiting: 7, // 5 + 2, not 5 + 2 + 4 + 1 + 2 + 0
      prefixCacheQueries: 4e7,
      prefixCacheHits: 3e7,
      promptTokens: 4e7,
      generationTokens: 1.5e6,
      numPreemptions: 7,
      requestsCompleted: 1916,
    });
    expect(hasVllmStats(fixture("vllm-dp2-newer.txt"))).toBe(true);
  });

  it("falls back to the legacy gpu_* names", () => {
    expect(parseVllmMetrics(fixture("vllm-legacy.txt"))).toMatchObject({
      capacityTokens: 32_000,
      blockSize: 32,
      numGpuBlocks: 1000,
      kvCacheUsage: 0.125,
      prefixCacheQueries: 4000,
      prefixCacheHits: 1000,
      numPreemptions: 9,
      numRequestsWaiting: 0,
    });
  });

  it("gives no capacity and zeros for a server run with --disable-log-stats", () => {
    const text =
      '# TYPE http_requests_total counter\nhttp_requests_total{handler="/v1/models"} 3.0\n';
    expect(parseVllmMetrics(text)).toMatchObject({
      capacityTokens: null,
      kvCacheUsage: 0,
      numRequestsRunning: 0,
    });
    expect(hasVllmStats(text)).toBe(false);
  });
});

const SGLANG_METRICS = `# HELP sglang:num_running_reqs The number of running requests.
# TYPE sglang:num_running_reqs gauge
sglang:num_running_reqs{dp_rank="0",engine_type="unified",model_name="glm-4.6",pp_rank="0",tp_rank="0"} 10.0
sglang:num_running_reqs{dp_rank="1",engine_type="unified",model_name="glm-4.6",pp_rank="0",tp_rank="0"} 6.0
# TYPE sglang:num_queue_reqs gauge
sglang:num_queue_reqs{dp_rank="0",engine_type="unified",model_name="glm-4.6",pp_rank="0",tp_rank="0"} 1.0
sglang:num_queue_reqs{dp_rank="1",engine_type="unified",model_name="glm-4.6",pp_rank="0",tp_rank="0"} 2.0
# TYPE sglang:token_usage gauge
sglang:token_usage{dp_rank="0",engine_type="unified",model_name="glm-4.6",pp_rank="0",tp_rank="0"} 0.3
sglang:token_usage{dp_rank="1",engine_type="unified",model_name="glm-4.6",pp_rank="0",tp_rank="0"} 0.1
# TYPE sglang:cache_hit_rate gauge
sglang:cache_hit_rate{dp_rank="0",engine_type="unified",model_name="glm-4.6",pp_rank="0",tp_rank="0"} 0.0
# TYPE sglang:prompt_tokens_total counter
sglang:prompt_tokens_total{model_name="glm-4.6"} 2.0e+06
# TYPE sglang:generation_tokens_total counter
sglang:generation_tokens_total{model_name="glm-4.6"} 300000.0
# TYPE sglang:cached_tokens_total counter
sglang:cached_tokens_total{cache_source="device",model_name="glm-4.6"} 1.2e+06
sglang:cached_tokens_total{cache_source="host",model_name="glm-4.6"} 300000.0
# TYPE sglang:num_requests_total counter
sglang:num_requests_total{model_name="glm-4.6"} 812.0
# TYPE sglang:num_retracted_requests_total counter
sglang:num_retracted_requests_total{model_name="glm-4.6"} 4.0
`;

describe("parseSglangMetrics", () => {
  it("reads /metrics and takes capacity from /get_server_info's max_total_num_tokens", () => {
    const snap = parseSglangMetrics(SGLANG_METRICS, {
      model_path: "zai-org/GLM-4.6-FP8",
      page_size: 1,
      max_total_num_tokens: 850_000,
      internal_states: [{ memory_usage: { token_capacity: 1 } }],
      version: "0.5.4",
    });
    expect(snap).toEqual({
      capacityTokens: 850_000,
      blockSize: 1,
      numGpuBlocks: null,
      kvCacheUsage: 0.2, // mean over dp ranks
      numRequestsRunning: 16,
      numRequestsWaiting: 3,
      prefixCacheQueries: 2e6,
      prefixCacheHits: 1.5e6, // device + host
      promptTokens: 2e6,
      generationTokens: 3e5,
      numPreemptions: 4,
      requestsCompleted: 812,
    });
  });

  it("falls back to internal_states token_capacity, then to the sglang:max_total_num_tokens gauge", () => {
    const viaStates = parseSglangMetrics(SGLANG_METRICS, {
      internal_states: [
        { memory_usage: { token_capacity: 400_000 } },
        { memory_usage: { token_capacity: 400_000 } },
      ],
    });
    expect(viaStates.capacityTokens).toBe(800_000);
    const gauge =
      SGLANG_METRICS +
      'sglang:max_total_num_tokens{dp_rank="0",engine_type="unified",model_name="glm-4.6",pp_rank="0",tp_rank="0"} 6.5e+05\n';
    expect(parseSglangMetrics(gauge, null).capacityTokens).toBe(650_000);
    expect(parseSglangMetrics(SGLANG_METRICS, "not json").capacityTokens).toBeNull();
  });
});

describe("parseSglangMetrics with --enable-metrics-for-all-schedulers", () => {
  it("counts each dp rank once although every tp rank reports", () => {
    const text = [0, 1]
      .flatMap((dp) =>
        [0, 1, 2, 3].map(
          (tp) =>
            `sglang:num_running_reqs{dp_rank="${dp}",engine_type="unified",model_name="m",pp_rank="0",tp_rank="${dp * 4 + tp}"} ${dp === 0 ? 5 : 7}.0`,
        ),
      )
      .join("\n");
    expect(parseSglangMetrics(text, null).numRequestsRunning).toBe(12);
  });
});

describe("parseSkyrlMetrics", () => {
  it("sums engines; percent usage becomes a fraction; 200k tokens per engine by default", () => {
    const snap = parseSkyrlMetrics({
      timestamp: 1770532792.69,
      engines: [
        {
          engine_id: 0,
          kv_cache_usage_pct: 5.9,
          num_running_reqs: 2,
          num_waiting_reqs: 0,
          num_cumulative_preemption: 0,
        },
        {
          engine_id: 1,
          kv_cache_usage_pct: 20,
          num_running_reqs: 3,
          num_waiting_reqs: 1,
          num_cumulative_preemption: 2,
        },
      ],
    });
    expect(snap).toMatchObject({
      capacityTokens: 2 * SKYRL_DEFAULT_ENGINE_CAPACITY,
      numRequestsRunning: 5,
      numRequestsWaiting: 1,
      numPreemptions: 2,
    });
    expect(snap.kvCacheUsage).toBeCloseTo((0.059 + 0.2) / 2, 12);
  });

  it("uses kv_cache_capacity_tokens when given, and survives junk", () => {
    const snap = parseSkyrlMetrics({
      engines: [
        { engine_id: 0, kv_cache_usage_pct: 50, kv_cache_capacity_tokens: 100_000 },
        { engine_id: 1, kv_cache_usage_pct: 0, kv_cache_capacity_tokens: 300_000 },
      ],
    });
    expect(snap.capacityTokens).toBe(400_000);
    expect(snap.kvCacheUsage).toBeCloseTo(0.125, 12);
    expect(parseSkyrlMetrics({ nope: true }).capacityTokens).toBeNull();
    expect(parseSkyrlMetrics(null).capacityTokens).toBeNull();
  });
});
