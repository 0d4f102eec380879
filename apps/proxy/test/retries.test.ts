/**
 * Retries before the first byte, the per-backend circuit breaker, and the default upstream
 * timeouts: a 503 or a refused connection is retried on the other healthy backend; nothing is
 * retried once a 200's headers went to the client; consecutive failures open a backend's breaker
 * (unhealthy for routing) and it is half-open after the cool-down; a backend that never answers
 * gets 504 after --first-byte-timeout, one that stalls mid-stream ends the stream after
 * --stream-idle-timeout. Router state consistent after each.
 */
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import {
  answerStatus,
  stall,
  startFaultUpstream,
  type FaultUpstream,
  type Handler,
} from "./helpers/fault-upstream.js";
import { eventually, startProxy, type ErrorBody, type RunningProxy } from "./helpers/harness.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function upstream(handle?: Handler): Promise<FaultUpstream> {
  const up = await startFaultUpstream(handle);
  closers.push(() => up.close());
  return up;
}

async function proxy(
  backends: string[],
  extra: Record<string, unknown> = {},
): Promise<RunningProxy> {
  const p = await startProxy({ backends, router: "default", ...extra });
  closers.push(() => p.close());
  return p;
}

function chat(p: RunningProxy, programId: string, stream = false) {
  return request(`${p.url}/v1/chat/completions`, {
    method: "POST",
    body: JSON.stringify({
      model: "m",
      program_id: programId,
      stream,
      messages: [{ role: "user", content: "hi" }],
    }),
  });
}

function consistent(p: RunningProxy): void {
  expect(p.ctx.router.stats()).toMatchObject({ inFlightRequests: 0, pendingRequests: 0 });
}

/** A 200 stream that sends one chunk, then stalls (or breaks when `destroy`). */
const oneChunkThen =
  (destroy: boolean): Handler =>
  (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(
      'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"f","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}\n\n',
    );
    if (destroy) setTimeout(() => res.destroy(), 20);
  };

describe("retries before the first byte", () => {
  it("a 503 from the first backend is retried on the other one, streaming or not", async () => {
    const bad = await upstream(answerStatus(503));
    const good = await upstream();
    const p = await proxy([bad.url, good.url]);
    const res = await chat(p, "p1");
    expect(res.statusCode).toBe(200);
    await res.body.json();
    const s = await chat(p, "p1", true);
    expect(s.statusCode).toBe(200);
    await s.body.text();
    expect(bad.hits).toBe(2);
    expect(p.ctx.counters.retries).toBe(2);
    consistent(p);
  });

  it("a refused connection is retried; with no other backend the client gets the 502 after --retries", async () => {
    const gone = await upstream();
    const good = await upstream();
    const p = await proxy([gone.url, good.url]);
    await gone.close();
    const res = await chat(p, "p1");
    expect(res.statusCode).toBe(200);
    await res.body.json();
    const alone = await proxy([good.url], { retries: 1 });
    await good.close();
    const failed = await chat(alone, "p2");
    expect(failed.statusCode).toBe(502);
    expect(((await failed.body.json()) as ErrorBody).error.code).toBe("upstream_unreachable");
    expect(alone.ctx.counters.retries).toBe(1);
    consistent(p);
    consistent(alone);
  });

  it("never retries once a stream's 200 went out: the client gets the in-stream error", async () => {
    const breaking = await upstream(oneChunkThen(true));
    const good = await upstream();
    const p = await proxy([breaking.url, good.url]);
    const res = await chat(p, "p1", true);
    expect(res.statusCode).toBe(200);
    const text = await res.body.text();
    expect(text).toMatch(/"content":"a"/);
    expect(text).toMatch(/upstream_stream_error/);
    expect(good.hits).toBe(0);
    expect(p.ctx.counters.retries).toBe(0);
    consistent(p);
  });
});

describe("circuit breaker", () => {
  it("opens after --breaker-failures failures, is half-open after the cool-down", async () => {
    const bad = await upstream(answerStatus(503));
    const p = await proxy([bad.url], { breakerFailures: 2, breakerCooldown: 0.5, retries: 0 });
    for (const id of ["a", "b"]) {
      const res = await chat(p, id);
      expect(res.statusCode).toBe(503); // the engine's own 503, passed through
      await res.body.json();
    }
    expect(p.ctx.monitor.isHealthy(bad.url)).toBe(false);
    expect(p.ctx.monitor.breakers.state(bad.url)).toBe("open");
    await eventually(() => p.ctx.monitor.isHealthy(bad.url), "the half-open breaker");
    expect(p.ctx.monitor.breakers.state(bad.url)).toBe("half-open");
    bad.handle = (await import("./helpers/fault-upstream.js")).answerOk;
    const ok = await chat(p, "c");
    expect(ok.statusCode).toBe(200);
    await ok.body.json();
    expect(p.ctx.monitor.breakers.state(bad.url)).toBe("closed");
    consistent(p);
  });
});

describe("default upstream timeouts", () => {
  it("a backend that never answers gets 504 after --first-byte-timeout", async () => {
    const silent = await upstream(stall);
    const p = await proxy([silent.url], { firstByteTimeout: 0.5 });
    const t0 = Date.now();
    const res = await chat(p, "p1");
    expect(res.statusCode).toBe(504);
    expect(((await res.body.json()) as ErrorBody).error.message).toMatch(/--first-byte-timeout/);
    expect(Date.now() - t0).toBeLessThan(3000);
    consistent(p);
  });

  it("a stream idle longer than --stream-idle-timeout ends with the in-stream error", async () => {
    const stuck = await upstream(oneChunkThen(false));
    const p = await proxy([stuck.url], { streamIdleTimeout: 0.5 });
    const res = await chat(p, "p1", true);
    expect(res.statusCode).toBe(200);
    const text = await res.body.text();
    expect(text).toMatch(/upstream_stream_error/);
    expect(text).toMatch(/data: \[DONE\]/);
    consistent(p);
  });

  it("the defaults are 600 s to the first byte and 120 s between chunks", async () => {
    const good = await upstream();
    const p = await proxy([good.url]);
    expect(p.config).toMatchObject({
      firstByteTimeout: 600,
      streamIdleTimeout: 120,
      waitForBackend: 5,
    });
  });
});
