// Weight sync end to end: the proxy (in memory, app.inject) in front of a real engine-sim. While a
// sync is active a new request waits (the engine never sees it) and ticks are skipped; `end`, or
// the watchdog for a forgotten sync, lets it through.
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { HealthResponse } from "@thunderagent/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { lastRequests, MODEL, startEngine } from "./helpers/engines.js";
import { buildProxy, eventually, type ErrorBody, type TestProxy } from "./helpers/harness.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function setUp(config: { weightSyncTimeout?: number } = {}) {
  const engine = await startEngine();
  closers.push(() => engine.close());
  const proxy = await buildProxy({ backends: [engine.url], router: "tr", ...config });
  closers.push(() => proxy.close());
  return { engine, proxy };
}

const post = (proxy: TestProxy, url: string, payload?: Record<string, unknown>) =>
  proxy.app.inject(
    payload === undefined ? { method: "POST", url } : { method: "POST", url, payload },
  );

const chat = (proxy: TestProxy, program_id: string, stream = false) =>
  proxy.app.inject({
    method: "POST",
    url: "/v1/chat/completions",
    payload: {
      model: MODEL,
      max_tokens: 4,
      stream,
      program_id,
      messages: [{ role: "user", content: "hi" }],
    },
  });

async function metric(proxy: TestProxy, name: string): Promise<number> {
  const text = (
    await proxy.app.inject({ method: "GET", url: "/metrics", headers: { accept: "text/plain" } })
  ).body;
  const family = parsePrometheusTextFormat(text).find((f) => f.name === name);
  const sample = family?.metrics[0] as { value?: string } | undefined;
  return Number(sample?.value);
}

describe("weight sync", () => {
  it("holds new requests until end, skips ticks, and is idempotent", async () => {
    const { engine, proxy } = await setUp();
    const begin = await post(proxy, "/weight_sync/begin");
    expect(begin.statusCode).toBe(200);
    expect(begin.json()).toMatchObject({
      status: "ok",
      started: true,
      weight_sync: { active: true },
    });
    expect((await post(proxy, "/weight_sync/begin", {})).json()).toMatchObject({ started: false });

    const health = HealthResponse.parse((await proxy.app.inject({ url: "/health" })).json());
    expect(health.weight_sync).toMatchObject({ active: true, timeout_s: 300, syncs_total: 1 });
    expect(await metric(proxy, "thunderagent_weight_sync_active")).toBe(1);

    const pending = [chat(proxy, "a"), chat(proxy, "b", true)];
    await eventually(() => proxy.ctx.weightSync.view().waiting_requests === 2, "two waiters");
    expect(await proxy.loop.tick()).toBeNull();
    expect(await metric(proxy, "thunderagent_scheduler_ticks_skipped_total")).toBe(1);
    expect(await lastRequests(engine)).toEqual([]);
    expect(proxy.ctx.router.programsView()).toEqual({});

    const end = await post(proxy, "/weight_sync/end");
    expect(end.json()).toMatchObject({
      ended: true,
      weight_sync: { active: false, waiting_requests: 0 },
    });
    expect(end.json<{ duration_s: number }>().duration_s).toBeGreaterThanOrEqual(0);
    const answers = await Promise.all(pending);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(await lastRequests(engine)).toHaveLength(2);
    expect(Object.keys(proxy.ctx.router.programsView()).sort()).toEqual(["a", "b"]);
    expect((await post(proxy, "/weight_sync/end")).json()).toMatchObject({
      ended: false,
      duration_s: null,
    });
    expect(await proxy.loop.tick()).not.toBeNull();
    expect(await metric(proxy, "thunderagent_weight_sync_active")).toBe(0);
    expect(await metric(proxy, "thunderagent_weight_syncs_total")).toBe(1);
  });

  it("the watchdog ends a forgotten sync and the waiting request goes through", async () => {
    const { proxy } = await setUp({ weightSyncTimeout: 0.3 });
    await post(proxy, "/weight_sync/begin");
    const res = await chat(proxy, "late");
    expect(res.statusCode).toBe(200);
    expect(proxy.ctx.weightSync.view()).toMatchObject({ active: false, watchdog_ends_total: 1 });
    expect(await metric(proxy, "thunderagent_weight_sync_watchdog_ends_total")).toBe(1);
  });

  it("answers a request still waiting at shutdown with 503", async () => {
    const { proxy } = await setUp();
    await post(proxy, "/weight_sync/begin");
    const pending = chat(proxy, "w");
    await eventually(() => proxy.ctx.weightSync.view().waiting_requests === 1, "the waiter");
    await proxy.close();
    const res = await pending;
    expect(res.statusCode).toBe(503);
    expect(res.json<ErrorBody>().error.code).toBe("shutting_down");
  });

  it("rejects a body that is not an object; the timeout is a flag and a variable", async () => {
    const { proxy } = await setUp();
    const res = await proxy.app.inject({
      method: "POST",
      url: "/weight_sync/begin",
      payload: "[1]",
      headers: { "content-type": "application/json" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorBody>().error.message).toBe("body must be empty or a JSON object");
    expect(proxy.ctx.weightSync.active).toBe(false);
    expect(loadConfig(["--weight-sync-timeout", "12"], {}).config.weightSyncTimeout).toBe(12);
    const env = { THUNDERAGENT_WEIGHT_SYNC_TIMEOUT: "7" };
    expect(loadConfig([], env).config.weightSyncTimeout).toBe(7);
    expect(() => loadConfig(["--weight-sync-timeout", "0"], {})).toThrow(/weight-sync-timeout/);
  });
});
