import {
  HealthResponse,
  MetricsResponse,
  ProfileResponse,
  ProfilesResponse,
  ProgramsResponse,
} from "@thunderagent/protocol";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_ROUTER_OPTIONS,
  parseSglangMetrics,
  parseVllmMetrics,
  Router,
} from "../src/index.js";
import { usage } from "./helpers.js";

const URL = "http://127.0.0.1:41871";
const SCRAPE = `# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="m"} 0.0
vllm:prefix_cache_queries_total{engine="0",model_name="m"} 1.8432e+06
vllm:prefix_cache_hits_total{engine="0",model_name="m"} 1.511424e+06
vllm:cache_config_info{block_size="16",engine="0",num_gpu_blocks="625"} 1.0
`;

/** The situation of docs/original-api.md, "Bodies": one backend, agent-1 after two steps. */
function apiDocRouter(): Router {
  const r = new Router({ ...DEFAULT_ROUTER_OPTIONS, profile: true }, [URL]);
  r.updateBackend(URL, parseVllmMetrics(SCRAPE), 1795565338.97);
  r.arrive({ requestId: "s1", programId: "agent-1", payloadChars: 150 }, 1795565338.05);
  r.forwarded("s1", 1795565338.05);
  r.complete("s1", usage(20, 15), 1795565338.059);
  r.arrive({ requestId: "s2", programId: "agent-1", payloadChars: 174 }, 1795565338.073);
  r.forwarded("s2", 1795565338.073);
  r.complete("s2", usage(31, 25), 1795565338.0757);
  return r;
}

describe("views in ThunderAgent's JSON shapes", () => {
  it("/programs", () => {
    const view = ProgramsResponse.parse(apiDocRouter().programsView());
    expect(view).toEqual({
      "agent-1": {
        backend: URL,
        context_len: 174,
        total_tokens: 31,
        step_count: 2,
        status: "acting",
        state: "active",
        profile: {
          step_count: 2,
          avg_prefill_s: expect.any(Number),
          avg_decode_s: 0,
          avg_pause_s: 0,
          avg_tool_call_s: 0.007, // (0 + 0.014) / 2
          avg_kv_hit_rate: null,
          avg_prompt_tokens: 20,
          avg_completion_tokens: 5.5,
          avg_cached_tokens: null,
        },
      },
    });
  });

  it("/programs without --profile has no profile field, and backend null while paused", () => {
    const r = new Router({ ...DEFAULT_ROUTER_OPTIONS }, [URL]);
    r.updateBackend(URL, parseVllmMetrics(SCRAPE), 0);
    r.arrive({ requestId: "1", programId: "a", payloadChars: 45_000 }, 0); // 9000 + 600 ≤ 10000
    r.arrive({ requestId: "2", programId: "b", payloadChars: 5000 }, 0); // waits
    const view = ProgramsResponse.parse(r.programsView());
    expect(view["a"]).toEqual({
      backend: URL,
      context_len: 45_000,
      total_tokens: 9000,
      step_count: 1,
      status: "reasoning",
      state: "active",
    });
    expect(view["b"]).toMatchObject({ backend: null, state: "paused", status: "reasoning" });
  });

  it("/health", () => {
    const health = HealthResponse.parse(apiDocRouter().healthView());
    expect(health).toEqual({
      status: "ok",
      router_mode: "tr",
      scheduling_enabled: true,
      backends: [URL],
      programs_count: 1,
      reasoning_count: 0,
      acting_count: 1,
      paused_count: 0,
      per_backend: {
        [URL]: {
          total: 1,
          reasoning: 0,
          acting: 1,
          paused: 0,
          marked_for_pause: 0,
          future_paused_tokens: 0,
        },
      },
      profile_enabled: true,
    });
  });

  it("/metrics", () => {
    const r = apiDocRouter();
    r.tick(1795565339);
    const m = MetricsResponse.parse(
      r.metricsView({ metricsEnabled: true, metricsInterval: 1.0, now: 1795565339 }),
    );
    expect(m).toEqual({
      metrics_enabled: true,
      metrics_interval: 1.0,
      backends: {
        [URL]: {
          url: URL,
          active_program_tokens: 31,
          reasoning_program_tokens: 0,
          acting_program_tokens: 31,
          active_program_count: 1,
          reasoning_program_count: 0,
          acting_program_count: 1,
          active_program_tokens_ratio: 0.0031,
          total_program_tokens: 31,
          paused_program_count: 0,
          future_paused_tokens: 0,
          shared_tokens: 0,
          buffer_per_program: 600, // DEFAULT_ROUTER_OPTIONS (the original's 100 is opt-in)
          capacity_overflow: 0,
          healthy: true,
          monitoring: true,
          cache_config: { block_size: 16, num_gpu_blocks: 625, total_tokens_capacity: 10000 },
          metrics: {
            num_requests_running: 0,
            num_requests_waiting: 0,
            kv_cache_usage_perc: 0,
            prefix_cache_hit_rate: 0.82,
            prefix_cache_queries: 1843200,
            prefix_cache_hits: 1511424,
            prompt_tokens_total: 0,
            generation_tokens_total: 0,
            num_preemptions: 0,
            requests_completed: 0,
            last_updated: 1795565338.97,
            history_size: 1,
          },
        },
      },
    });
    // Without --metrics: interval null; a backend never scraped has no cache_config/metrics.
    const bare = new Router({ ...DEFAULT_ROUTER_OPTIONS }, [URL]);
    const mv = MetricsResponse.parse(
      bare.metricsView({ metricsEnabled: false, metricsInterval: 5, now: 0 }),
    );
    expect(mv.metrics_interval).toBeNull();
    expect(mv.backends[URL]).toMatchObject({
      cache_config: null,
      metrics: null,
      monitoring: false,
    });
  });

  it("/profiles and /profiles/:id", () => {
    const r = apiDocRouter();
    const all = ProfilesResponse.parse(r.profilesView());
    expect(Object.keys(all)).toEqual(["agent-1"]);
    expect(ProfileResponse.parse(r.profileView("agent-1"))).toEqual(all["agent-1"]);
  });

  it("stats() counts what the proxy exports", () => {
    const r = apiDocRouter();
    const s = r.stats();
    expect(s).toMatchObject({
      requests: 2,
      completedRequests: 2,
      failedRequests: 0,
      promptTokens: 40,
      completionTokens: 11,
      programs: 1,
      queueLength: 0,
      pendingRequests: 0,
      programsByStatus: { reasoning: 0, acting: 1 },
    });
    expect(s.backends[0]).toMatchObject({ url: URL, capacity: 10000, used: 31 + 600, shared: 0 });
    expect(s.pauseTimeHistogram.buckets.length).toBe(s.pauseTimeHistogram.counts.length);
  });
});

describe("cache_config for backends without blocks", () => {
  it("SGLang: page size as block size, capacity ÷ page size as blocks", () => {
    const r = new Router({ ...DEFAULT_ROUTER_OPTIONS }, [URL]);
    r.updateBackend(
      URL,
      parseSglangMetrics("", { max_total_num_tokens: 850_000, page_size: 16 }),
      0,
    );
    const m = MetricsResponse.parse(
      r.metricsView({ metricsEnabled: true, metricsInterval: 5, now: 0 }),
    );
    expect(m.backends[URL]!.cache_config).toEqual({
      block_size: 16,
      num_gpu_blocks: 53_125,
      total_tokens_capacity: 850_000,
    });
  });
});
