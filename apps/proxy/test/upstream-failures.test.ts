import type { ProgramsResponse } from "@thunderagent/protocol";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy, type ErrorBody, type RunningProxy } from "./helpers/harness.js";
import { BIG_STREAM_BYTES, startTinyUpstream, type TinyUpstream } from "./helpers/tiny-upstream.js";

let upstream: TinyUpstream;
let proxy: RunningProxy;

beforeAll(async () => {
  upstream = await startTinyUpstream();
  proxy = await startProxy({ backends: [upstream.url], router: "default" });
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

async function chat(body: Record<string, unknown>) {
  const res = await request(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "hi" }], ...body }),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

describe("upstream failures", () => {
  it("a stream that breaks half-way ends with an in-stream error; the proxy stays up", async () => {
    upstream.mode = "break-mid-stream";
    const r = await chat({ stream: true, program_id: "broken" });
    expect(r.status).toBe(200);
    const events = r.text.split("\n\n").filter(Boolean);
    expect(events[0]).toContain('"content":"a"');
    const err = events.find((e) => e.includes('"error"'));
    expect(err).toBeDefined();
    expect(JSON.parse(err!.slice(6)).error.message).toMatch(/stream broke/);
    expect(events.at(-1)).toBe("data: [DONE]");
    // Program consistent: not reasoning any more, nothing in flight.
    const programs = (await (
      await request(`${proxy.url}/programs`)
    ).body.json()) as ProgramsResponse;
    expect(programs["broken"]?.status).toBe("acting");
    expect(proxy.ctx.router.stats().inFlightRequests).toBe(0);
    // And the proxy still serves.
    upstream.mode = "ok";
    const ok = await chat({ stream: true, program_id: "broken" });
    expect(ok.status).toBe(200);
    expect(ok.text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("an in-stream error chunk is passed through and fails the request in the Router", async () => {
    upstream.mode = "error-chunk";
    const before = proxy.ctx.router.stats().failedRequests;
    const r = await chat({ stream: true, program_id: "errchunk" });
    expect(r.status).toBe(200);
    expect(r.text).toContain('{"error":{"message":"oom"');
    expect(proxy.ctx.router.stats().failedRequests).toBe(before + 1);
    upstream.mode = "ok";
  });

  it("an upstream error status is passed through unchanged", async () => {
    upstream.mode = "status-500";
    const r = await chat({ program_id: "s500" });
    expect(r.status).toBe(500);
    expect(r.text).toBe(
      '{"error":{"message":"engine dead","type":"InternalServerError","param":null,"code":500}}',
    );
    upstream.mode = "ok";
  });

  it("a non-streaming answer cut half-way → 502 naming the backend; the proxy stays up", async () => {
    upstream.mode = "break-mid-body";
    const r = await chat({ program_id: "cut" });
    expect(r.status).toBe(502);
    const body = JSON.parse(r.text) as ErrorBody;
    expect(body.error.code).toBe("upstream_unreachable");
    expect(body.error.message).toContain(upstream.url);
    expect(proxy.ctx.router.stats().inFlightRequests).toBe(0);
    upstream.mode = "ok";
    expect((await chat({ stream: true, program_id: "cut" })).status).toBe(200);
  });

  it("a client that stops reading holds the upstream back (back-pressure), then gets every byte", async () => {
    upstream.mode = "big-stream";
    const res = await request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", messages: [], stream: true, program_id: "slow" }),
    });
    expect(res.statusCode).toBe(200);
    const it = res.body[Symbol.asyncIterator]();
    let bytes = ((await it.next()).value as Buffer).length;
    // The client reads nothing for a while: the proxy must stop reading upstream too, so the
    // upstream gets stuck after what the sockets' buffers hold (a proxy that kept reading would
    // take all 64 MiB into its memory within this time).
    await new Promise((r) => setTimeout(r, 800));
    expect(upstream.bigStreamSent).toBeLessThan(BIG_STREAM_BYTES / 2);
    let tail = "";
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const b = r.value as Buffer;
      bytes += b.length;
      tail = (tail + b.toString("latin1")).slice(-200);
    }
    // 8 MiB of content events arrived; the usage chunk (not asked for) did not.
    expect(bytes).toBeGreaterThan(BIG_STREAM_BYTES);
    expect(tail.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(tail).not.toContain('"choices":[]');
    expect(proxy.ctx.router.stats().inFlightRequests).toBe(0);
    upstream.mode = "ok";
  });

  it("--upstream-timeout ends a stalled non-streaming request with 504", async () => {
    const stalled = await startTinyUpstream("stall");
    const p = await startProxy({
      backends: [stalled.url],
      router: "default",
      upstreamTimeout: 0.3,
    });
    try {
      const t0 = Date.now();
      const res = await request(`${p.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }),
      });
      expect(res.statusCode).toBe(504);
      expect(Date.now() - t0).toBeLessThan(5000);
      const body = (await res.body.json()) as ErrorBody;
      expect(body.error.code).toBe("upstream_timeout");
      expect(body.error.message).toMatch(/timed out/);
      expect(p.ctx.router.stats().inFlightRequests).toBe(0);
    } finally {
      await p.close();
      await stalled.close();
    }
  });

  it("an unreachable backend → 502 in the OpenAI envelope", async () => {
    // Healthy at start-up, gone by the request (a backend down from the start is a 503: no healthy
    // backend, reliability.test.ts).
    const dead = await startTinyUpstream();
    const p = await startProxy({ backends: [dead.url], router: "default" });
    await dead.close();
    try {
      const res = await request(`${p.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }),
      });
      expect(res.statusCode).toBe(502);
      const body = (await res.body.json()) as ErrorBody;
      expect(body.error.code).toBe("upstream_unreachable");
      expect(body.error.message).toMatch(/unreachable/);
      expect(p.ctx.router.stats().inFlightRequests).toBe(0);
    } finally {
      await p.close();
    }
  });
});
