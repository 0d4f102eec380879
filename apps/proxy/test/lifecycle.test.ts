// The proxy is driven in memory (app.inject); the backends and the Docker API behind it are real.
import { afterEach, describe, expect, it } from "vitest";
import { buildProxy, eventually, type ErrorBody, type TestProxy } from "./helpers/harness.js";
import { startDockerApi } from "./helpers/docker-api.js";
import { startTinyUpstream } from "./helpers/tiny-upstream.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const body = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "tiny",
    messages: [{ role: "user", content: "x".repeat(2000) }],
    ...extra,
  });

const chat = (proxy: TestProxy, payload: string, headers: Record<string, string> = {}) =>
  proxy.app.inject({ method: "POST", url: "/v1/chat/completions", payload, headers });

describe("graceful shutdown", () => {
  it("answers waiting requests with 503 and closes", async () => {
    // 1 block of 16 tokens: no program fits, so the first request waits in tr mode.
    const up = await startTinyUpstream("ok", 1);
    closers.push(() => up.close());
    const proxy = await buildProxy({ backends: [up.url], router: "tr" });
    expect(proxy.ctx.router.stats().backends[0]?.capacity).toBe(16);
    const pending = chat(proxy, body({ program_id: "waiter" }));
    await eventually(() => proxy.ctx.waiters.size === 1, "the request to wait");
    await proxy.close();
    const res = await pending;
    expect(res.statusCode).toBe(503);
    expect(res.json<ErrorBody>().error.code).toBe("shutting_down");
    expect(proxy.ctx.router.stats().pendingRequests).toBe(0);
    expect(up.received).toEqual([]);
  });
});

describe("--api-key", () => {
  it("needs the Bearer key everywhere but /health, and does not forward it", async () => {
    const up = await startTinyUpstream();
    closers.push(() => up.close());
    const proxy = await buildProxy({ backends: [up.url], router: "default", apiKey: "s3cret" });
    closers.push(() => proxy.close());
    const get = (url: string, headers: Record<string, string> = {}) =>
      proxy.app.inject({ method: "GET", url, headers });
    expect((await get("/health")).statusCode).toBe(200);
    for (const path of ["/programs", "/metrics", "/v1/models"]) {
      const res = await get(path);
      expect(res.statusCode).toBe(401);
      expect(res.json<ErrorBody>().error.message).toMatch(/missing API key/);
    }
    const wrong = await get("/programs", { authorization: "Bearer nope" });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json<ErrorBody>().error.message).toBe("invalid API key");
    expect((await get("/programs", { authorization: "Bearer s3cret" })).statusCode).toBe(200);
    const ok = await chat(proxy, body({ stream: true }), { authorization: "Bearer s3cret" });
    expect(ok.statusCode).toBe(200);
    expect(up.received).toHaveLength(1);
  });
});

describe("--docker-gc", () => {
  it("removes a released program's docker_ids through DOCKER_HOST; failures never reach the caller", async () => {
    const docker = await startDockerApi({ c1: "p1", stuck: "p1" });
    closers.push(() => docker.close());
    const up = await startTinyUpstream();
    closers.push(() => up.close());
    const saved = process.env["DOCKER_HOST"];
    process.env["DOCKER_HOST"] = docker.host;
    let proxy: TestProxy;
    try {
      proxy = await buildProxy({ backends: [up.url], router: "default", dockerGc: true });
    } finally {
      if (saved === undefined) delete process.env["DOCKER_HOST"];
      else process.env["DOCKER_HOST"] = saved;
    }
    closers.push(() => proxy.close());
    const res = await chat(
      proxy,
      body({ program_id: "p1", extra_body: { docker_ids: ["c1", "gone", "stuck"] } }),
    );
    expect(res.statusCode).toBe(200);
    // The ids never reach the engine.
    expect(JSON.stringify(up.received)).not.toContain("docker_ids");
    const rel = await proxy.app.inject({
      method: "POST",
      url: "/programs/release",
      payload: { program_id: "p1" },
    });
    expect(rel.statusCode).toBe(200);
    expect(rel.json()).toEqual({ program_id: "p1", released: true });
    await eventually(() => docker.deleted.length === 1, "the container removal");
    expect(docker.deleted[0]).toMatch(/^c1\?.*force=true/);
    await Promise.all([...proxy.ctx.background]);
  });
});
