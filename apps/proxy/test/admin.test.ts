import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import {
  HealthResponse,
  MetricsResponse,
  ProfilesResponse,
  ProgramProfileSummary,
  ProgramsResponse,
  decodeStepProfileCsv,
} from "@thunderagent/protocol";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODEL, startEngine, type Engine } from "./helpers/engines.js";
import { buildProxy, type ErrorBody, type TestProxy } from "./helpers/harness.js";

// The proxy is driven in memory (app.inject); the engine behind it is real.
let engine: Engine;
let proxy: TestProxy;
let dir: string;

async function get(path: string, accept?: string) {
  const res = await proxy.app.inject({
    method: "GET",
    url: path,
    ...(accept ? { headers: { accept } } : {}),
  });
  return { status: res.statusCode, type: String(res.headers["content-type"]), text: res.body };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ta-proxy-"));
  engine = await startEngine();
  proxy = await buildProxy({
    backends: [engine.url],
    profile: true,
    profileDir: dir,
    metrics: true,
    metricsInterval: 1,
  });
  for (const [id, stream] of [
    ["agent-1", false],
    ["agent-1", true],
    ["agent-2", true],
  ] as const) {
    const res = await proxy.app.inject({
      method: "POST",
      url: "/v1/chat/completions",
      payload: JSON.stringify({
        model: MODEL,
        stream,
        max_tokens: 8,
        program_id: id,
        messages: [{ role: "user", content: `step of ${id}` }],
      }),
    });
    expect(res.statusCode).toBe(200);
  }
});
afterAll(async () => {
  await proxy.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("ThunderAgent's REST shapes", () => {
  it("/health, /programs, /metrics (JSON) and /profiles match the protocol schemas", async () => {
    const health = HealthResponse.parse(JSON.parse((await get("/health")).text));
    expect(health).toMatchObject({
      status: "ok",
      router_mode: "tr",
      profile_enabled: true,
      programs_count: 2,
    });

    const programs = ProgramsResponse.parse(JSON.parse((await get("/programs")).text));
    expect(programs["agent-1"]).toMatchObject({
      step_count: 2,
      status: "acting",
      backend: engine.url,
    });
    expect(programs["agent-1"]?.profile?.step_count).toBe(2);

    const metrics = MetricsResponse.parse(JSON.parse((await get("/metrics")).text));
    expect(metrics.metrics_enabled).toBe(true);
    expect(metrics.metrics_interval).toBe(1);
    expect(metrics.backends[engine.url]?.healthy).toBe(true);
    expect(metrics.backends[engine.url]?.cache_config?.block_size).toBe(16);

    const profiles = ProfilesResponse.parse(JSON.parse((await get("/profiles")).text));
    expect(Object.keys(profiles).sort()).toEqual(["agent-1", "agent-2"]);
    const one = ProgramProfileSummary.parse(JSON.parse((await get("/profiles/agent-2")).text));
    expect(one.step_count).toBe(1);
    expect(one.avg_prompt_tokens).toBeGreaterThan(0);
    expect(one.avg_completion_tokens).toBeGreaterThan(0);
    expect(one.avg_cached_tokens).toBeNull();
    const missing = await get("/profiles/nobody");
    expect(missing.status).toBe(404);
    expect((JSON.parse(missing.text) as ErrorBody).error.message).toMatch(/nobody/);
  });

  it("/v1/models is the backend's answer unchanged", async () => {
    const direct = await (await request(`${engine.url}/v1/models`)).body.json();
    const via = JSON.parse((await get("/v1/models")).text) as { data: Array<{ id: string }> };
    expect(via.data.map((m) => m.id)).toEqual((direct as typeof via).data.map((m) => m.id));
  });

  it("appends one CSV row per finished step, header once", () => {
    const text = readFileSync(join(dir, "step_profiles.csv"), "utf8");
    expect(
      text.startsWith(
        "program_id,step_id,prefill_s,decode_s,pause_s,tool_call_s,prompt_tokens,completion_tokens,cached_tokens,kv_hit_rate,completed_at\n",
      ),
    ).toBe(true);
    const rows = decodeStepProfileCsv(text);
    expect(rows.map((r) => [r.program_id, r.step_id])).toEqual([
      ["agent-1", 1],
      ["agent-1", 2],
      ["agent-2", 1],
    ]);
    // engine-sim without --enable-prompt-tokens-details: cached tokens (and the hit rate) unknown.
    for (const r of rows) {
      expect(r.prompt_tokens).toBeGreaterThan(0);
      expect(r.completion_tokens).toBeGreaterThan(0);
      expect(r.cached_tokens).toBeNull();
      expect(r.kv_hit_rate).toBeNull();
    }
  });
});

describe("Prometheus exposition", () => {
  it("answers text when Accept prefers it, and it parses", async () => {
    const res = await get(
      "/metrics",
      "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
    );
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(res.text);
    const byName = new Map(families.map((f) => [f.name, f]));
    const value = (name: string, labels: Record<string, string> = {}) => {
      const f = byName.get(name);
      const m = f?.metrics.find((s) =>
        Object.entries(labels).every(
          ([k, v]) => (s["labels"] as Record<string, string>)?.[k] === v,
        ),
      );
      return Number(m?.["value"]);
    };
    expect(value("thunderagent_programs")).toBe(2);
    expect(value("thunderagent_requests_total")).toBe(3);
    expect(value("thunderagent_chat_streams_total")).toBe(2);
    expect(value("thunderagent_route_requests_total", { route: "chat" })).toBe(3);
    expect(value("thunderagent_route_streams_total", { route: "chat" })).toBe(2);
    expect(value("thunderagent_programs_by_status", { status: "acting" })).toBe(2);
    expect(value("thunderagent_backend_capacity_tokens", { backend: engine.url })).toBeGreaterThan(
      0,
    );
    expect(value("thunderagent_backend_healthy", { backend: engine.url })).toBe(1);
    expect(byName.get("thunderagent_pause_seconds")?.type).toBe("HISTOGRAM");
    expect(byName.get("thunderagent_pauses_total")?.type).toBe("COUNTER");
    expect(value("thunderagent_completion_tokens_total")).toBe(24);
  });

  it("keeps JSON for */* and no Accept", async () => {
    for (const accept of [undefined, "*/*", "application/json"]) {
      const res = await get("/metrics", accept);
      expect(res.type).toMatch(/application\/json/);
    }
  });
});
