import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, startProxy, type ErrorBody } from "./helpers/harness.js";
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

describe("graceful shutdown", () => {
  it("answers waiting requests with 503 and closes", async () => {
    // 1 block of 16 tokens: no program fits, so the first request waits in tr mode.
    const up = await startTinyUpstream("ok", 1);
    closers.push(() => up.close());
    const proxy = await startProxy({ backends: [up.url], router: "tr" });
    expect(proxy.ctx.router.stats().backends[0]?.capacity).toBe(16);
    const pending = request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: body({ program_id: "waiter" }),
    });
    await eventually(() => proxy.ctx.waiters.size === 1, "the request to wait");
    await proxy.close();
    const res = await pending;
    expect(res.statusCode).toBe(503);
    const err = (await res.body.json()) as ErrorBody;
    expect(err.error.code).toBe("shutting_down");
    expect(proxy.ctx.router.stats().pendingRequests).toBe(0);
    expect(up.received).toEqual([]);
  });
});

describe("--api-key", () => {
  it("needs the Bearer key everywhere but /health, and does not forward it", async () => {
    const up = await startTinyUpstream();
    closers.push(() => up.close());
    const proxy = await startProxy({ backends: [up.url], router: "default", apiKey: "s3cret" });
    closers.push(() => proxy.close());
    expect((await request(`${proxy.url}/health`)).statusCode).toBe(200);
    for (const path of ["/programs", "/metrics", "/v1/models"]) {
      const res = await request(`${proxy.url}${path}`);
      expect(res.statusCode).toBe(401);
      expect(((await res.body.json()) as ErrorBody).error.message).toMatch(/missing API key/);
    }
    const wrong = await request(`${proxy.url}/programs`, {
      headers: { authorization: "Bearer nope" },
    });
    expect(wrong.statusCode).toBe(401);
    await wrong.body.dump();
    const ok = await request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer s3cret" },
      body: body({ stream: true }),
    });
    expect(ok.statusCode).toBe(200);
    await ok.body.text();
  });
});

describe("--docker-gc", () => {
  it("removes a released program's docker_ids through DOCKER_HOST; failures never reach the caller", async () => {
    const docker = await startDockerApi();
    closers.push(() => docker.close());
    const up = await startTinyUpstream();
    closers.push(() => up.close());
    const saved = process.env["DOCKER_HOST"];
    process.env["DOCKER_HOST"] = docker.host;
    let proxy;
    try {
      proxy = await startProxy({ backends: [up.url], router: "default", dockerGc: true });
    } finally {
      if (saved === undefined) delete process.env["DOCKER_HOST"];
      else process.env["DOCKER_HOST"] = saved;
    }
    closers.push(() => proxy.close());
    const res = await request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: body({ program_id: "p1", extra_body: { docker_ids: ["c1", "gone", "stuck"] } }),
    });
    await res.body.text();
    // The ids never reach the engine.
    expect(JSON.stringify(up.received)).not.toContain("docker_ids");
    const rel = await request(`${proxy.url}/programs/release`, {
      method: "POST",
      body: JSON.stringify({ program_id: "p1" }),
    });
    expect(rel.statusCode).toBe(200);
    expect(await rel.body.json()).toEqual({ program_id: "p1", released: true });
    await eventually(() => docker.deleted.length === 1, "the container removal");
    expect(docker.deleted[0]).toMatch(/^c1\?.*force=true/);
    await Promise.all([...proxy.ctx.background]);
  });
});
