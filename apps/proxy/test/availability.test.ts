/**
 * No healthy backend: a request waits at most --wait-for-backend (default 5 s), then 503 with
 * Retry-After in the route's error shape; /health says "unavailable" with HTTP 503 and counts the
 * healthy backends; a backend coming back lets the waiting request through; a request waiting for
 * its paused program gets 503 once every backend has been down that long, and the Router keeps
 * nothing parked. Real proxy on loopback, a fault upstream as the backend.
 */
import { afterEach, describe, expect, it } from "vitest";
import { request } from "undici";
import { HealthResponse } from "@thunderagent/protocol";
import { startFaultUpstream, type FaultUpstream } from "./helpers/fault-upstream.js";
import { startProxy, type ErrorBody, type RunningProxy } from "./helpers/harness.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function downBackend(): Promise<FaultUpstream> {
  const up = await startFaultUpstream();
  up.healthStatus = 503;
  closers.push(() => up.close());
  return up;
}

async function proxyOn(
  up: FaultUpstream,
  extra: Record<string, unknown> = {},
): Promise<RunningProxy> {
  const p = await startProxy({ backends: [up.url], ...extra });
  closers.push(() => p.close());
  return p;
}

function post(p: RunningProxy, path: string, body: unknown) {
  return request(`${p.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: "m",
  program_id: "p1",
  messages: [{ role: "user", content: "hi" }],
  ...extra,
});

describe("no healthy backend", () => {
  it("a chat request gets 503 + Retry-After within the default 5 s bound; the Router holds nothing", async () => {
    const up = await downBackend();
    const p = await proxyOn(up);
    const t0 = Date.now();
    const res = await post(p, "/v1/chat/completions", chatBody());
    const waited = Date.now() - t0;
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBe("5");
    const body = (await res.body.json()) as ErrorBody;
    expect(body.error.code).toBe("no_healthy_backend");
    expect(waited).toBeGreaterThanOrEqual(4500);
    expect(waited).toBeLessThan(5500);
    expect(up.hits).toBe(0);
    expect(p.ctx.router.programCount()).toBe(0);
    expect(p.ctx.router.stats()).toMatchObject({ pendingRequests: 0, inFlightRequests: 0 });
  });

  it("every route answers in its own error shape, streaming or not", async () => {
    const up = await downBackend();
    const p = await proxyOn(up, { waitForBackend: 0.2 });
    const messages = await post(p, "/v1/messages", {
      model: "m",
      max_tokens: 5,
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(messages.statusCode).toBe(503);
    expect(messages.headers["retry-after"]).toBe("5");
    expect(await messages.body.json()).toMatchObject({
      type: "error",
      error: { type: expect.any(String), message: expect.stringMatching(/no healthy backend/) },
    });
    for (const path of ["/v1/completions", "/v1/responses", "/v1/chat/completions"]) {
      const res = await post(p, path, { model: "m", prompt: "x", input: "x", stream: true });
      expect(res.statusCode).toBe(503);
      const body = (await res.body.json()) as ErrorBody;
      expect(body.error.code).toBe("no_healthy_backend");
    }
  });

  it("/health says unavailable with 503 and counts healthy backends; ok again once one is back", async () => {
    const up = await downBackend();
    const p = await proxyOn(up);
    const down = await request(`${p.url}/health`);
    expect(down.statusCode).toBe(503);
    const body = HealthResponse.parse(await down.body.json());
    expect(body).toMatchObject({ status: "unavailable", healthy_backends: 0 });
    const models = await request(`${p.url}/v1/models`);
    expect(models.statusCode).toBe(503);
    expect(models.headers["retry-after"]).toBe("5");
    await models.body.json();
    up.healthStatus = 200;
    await p.ctx.monitor.checkHealth();
    const ok = await request(`${p.url}/health`);
    expect(ok.statusCode).toBe(200);
    expect(HealthResponse.parse(await ok.body.json())).toMatchObject({
      status: "ok",
      healthy_backends: 1,
    });
  });

  it("a backend that comes back within the bound serves the waiting request", async () => {
    const up = await downBackend();
    const p = await proxyOn(up, { waitForBackend: 10 });
    const pending = post(p, "/v1/chat/completions", chatBody());
    await new Promise((r) => setTimeout(r, 300));
    expect(p.ctx.counters.waitingForBackend).toBe(1);
    up.healthStatus = 200;
    await p.ctx.monitor.checkHealth();
    const res = await pending;
    expect(res.statusCode).toBe(200);
    await res.body.json();
    expect(up.hits).toBe(1);
  });

  it("a request waiting for its paused program gets 503 once every backend is down; nothing stays parked", async () => {
    const up = await startFaultUpstream();
    closers.push(() => up.close());
    up.gpuBlocks = 1; // 16 tokens: no program fits, every new one is queued
    const p = await proxyOn(up, { waitForBackend: 0.3 });
    const pending = post(p, "/v1/chat/completions", chatBody());
    await new Promise((r) => setTimeout(r, 300));
    expect(p.ctx.router.stats()).toMatchObject({ pendingRequests: 1, queueLength: 1 });
    up.healthStatus = 503;
    await p.ctx.monitor.checkHealth();
    const res = await pending;
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBe("5");
    await res.body.json();
    expect(p.ctx.router.stats()).toMatchObject({ pendingRequests: 0, queueLength: 0 });
  });
});
