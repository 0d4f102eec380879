import { describe, expect, it } from "vitest";
import {
  HealthResponse,
  MetricsResponse,
  openAIError,
  OpenAIErrorBody,
  ProfilesResponse,
  ProgramsResponse,
  ReleaseRequest,
  ReleaseResponse,
} from "../src/index.js";

// Bodies as the Python ThunderAgent answers them (docs/original-api.md).
const programs = {
  "agent-1": {
    backend: "http://127.0.0.1:41871",
    context_len: 174,
    total_tokens: 31,
    step_count: 2,
    status: "acting",
    state: "active",
    profile: {
      step_count: 2,
      avg_prefill_s: 0.0,
      avg_decode_s: 0.0,
      avg_pause_s: 0.0001,
      avg_tool_call_s: 0.014,
      avg_kv_hit_rate: 0.0,
    },
  },
};

const health = {
  status: "ok",
  router_mode: "tr",
  scheduling_enabled: true,
  backends: ["http://127.0.0.1:41871"],
  programs_count: 1,
  reasoning_count: 0,
  acting_count: 1,
  paused_count: 0,
  per_backend: {
    "http://127.0.0.1:41871": {
      total: 1,
      reasoning: 0,
      acting: 1,
      paused: 0,
      marked_for_pause: 0,
      future_paused_tokens: 0,
    },
  },
  profile_enabled: true,
};

const metrics = {
  metrics_enabled: true,
  metrics_interval: 1.0,
  backends: {
    "http://127.0.0.1:41871": {
      url: "http://127.0.0.1:41871",
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
      buffer_per_program: 100,
      capacity_overflow: 0,
      healthy: true,
      monitoring: true,
      cache_config: { block_size: 16, num_gpu_blocks: 625, total_tokens_capacity: 10000 },
      metrics: {
        num_requests_running: 0,
        num_requests_waiting: 0,
        kv_cache_usage_perc: 0.0,
        prefix_cache_hit_rate: 0.82,
        prefix_cache_queries: 1843200,
        prefix_cache_hits: 1511424,
        prompt_tokens_total: 0,
        generation_tokens_total: 0,
        num_preemptions: 0,
        requests_completed: 0,
        last_updated: 1795565338.97,
        history_size: 7,
      },
    },
  },
};

describe("router REST bodies", () => {
  it("accepts the original's /programs, /health, /metrics and /profiles bodies", () => {
    expect(ProgramsResponse.parse(programs)).toEqual(programs);
    expect(HealthResponse.parse(health)).toEqual(health);
    expect(MetricsResponse.parse(metrics)).toEqual(metrics);
    expect(ProfilesResponse.parse({ "agent-1": programs["agent-1"].profile })).toBeTruthy();
  });

  it("accepts a paused program (backend null) without a profile", () => {
    const paused = { ...programs["agent-1"], backend: null, state: "paused" };
    delete (paused as { profile?: unknown }).profile;
    expect(ProgramsResponse.safeParse({ p: paused }).success).toBe(true);
  });

  it("rejects a drifted field name, naming it", () => {
    const drifted = { ...health, paused: 0 };
    const res = HealthResponse.safeParse(drifted);
    expect(res.success).toBe(false);
    expect(res.error!.issues[0]!.code).toBe("unrecognized_keys");
  });

  it("rejects an unknown status", () => {
    const bad = { "agent-1": { ...programs["agent-1"], status: "sleeping" } };
    const res = ProgramsResponse.safeParse(bad);
    expect(res.success).toBe(false);
    expect(res.error!.issues[0]!.path).toEqual(["agent-1", "status"]);
  });

  it("metrics_interval is null without --metrics, and cache_config/metrics may be null", () => {
    const backend = {
      ...metrics.backends["http://127.0.0.1:41871"],
      cache_config: null,
      metrics: null,
    };
    const body = { metrics_enabled: false, metrics_interval: null, backends: { u: backend } };
    expect(MetricsResponse.safeParse(body).success).toBe(true);
  });

  it("release request needs a program_id; the response echoes it", () => {
    expect(ReleaseRequest.safeParse({}).success).toBe(false);
    expect(ReleaseRequest.parse({ program_id: "agent-1" }).program_id).toBe("agent-1");
    expect(ReleaseResponse.parse({ program_id: "agent-1", released: true })).toEqual({
      program_id: "agent-1",
      released: true,
    });
  });
});

describe("OpenAI error envelope", () => {
  it("builds vLLM's shape with the status as code", () => {
    const body = openAIError(400, "messages[0].role: bad");
    expect(body).toEqual({
      error: { message: "messages[0].role: bad", type: "BadRequestError", param: null, code: 400 },
    });
    expect(OpenAIErrorBody.parse(body)).toEqual(body);
    expect(openAIError(502, "upstream down").error.type).toBe("BadGatewayError");
    expect(openAIError(413, "too big", { code: "body_too_large" }).error.code).toBe(
      "body_too_large",
    );
  });
});
