import type { ProgramsResponse } from "@thunderagent/protocol";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { engineMetric, lastRequests, MODEL, startEngine } from "./helpers/engines.js";
import { eventually, startProxy, type RunningProxy } from "./helpers/harness.js";

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const messages = [{ role: "user", content: "Explain the repository layout in detail." }];

function stream(proxy: RunningProxy, programId: string, signal?: AbortSignal) {
  return request(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: MODEL,
      messages,
      max_tokens: 4000,
      stream: true,
      program_id: programId,
    }),
    ...(signal ? { signal } : {}),
  });
}

async function programs(proxy: RunningProxy): Promise<ProgramsResponse> {
  return (await (await request(`${proxy.url}/programs`)).body.json()) as ProgramsResponse;
}

/** The engine aborted the generation, the Router heard it, and the program is acting again. */
async function expectAbortSeen(
  engine: { url: string },
  proxy: RunningProxy,
  programId: string,
): Promise<void> {
  await eventually(
    async () =>
      (await engineMetric(engine, "vllm:request_success_total", { finished_reason: "abort" })) ===
      1,
    "the engine to see the abort",
  );
  await eventually(() => proxy.ctx.router.stats().inFlightRequests === 0, "the Router to hear it");
  expect((await programs(proxy))[programId]).toMatchObject({ status: "acting", state: "active" });
  expect(proxy.ctx.counters.clientAborts).toBe(1);
}

describe("client hang-up", () => {
  it("aborts the upstream request at once (the engine counts an abort)", async () => {
    // Real-time engine: 4000 tokens take far longer than the test.
    const engine = await startEngine({ instant: false, timeScale: 1 });
    closers.push(() => engine.close());
    const proxy = await startProxy({ backends: [engine.url], router: "tr" });
    closers.push(() => proxy.close());

    const ac = new AbortController();
    const res = await stream(proxy, "quitter", ac.signal);
    expect(res.statusCode).toBe(200);
    const it = res.body[Symbol.asyncIterator]();
    await it.next(); // the first bytes arrived: the request is in the engine
    expect((await programs(proxy))["quitter"]?.status).toBe("reasoning");
    ac.abort();
    await it.return?.().catch(() => undefined);

    await expectAbortSeen(engine, proxy, "quitter");
  });

  it("a non-streaming request: hanging up aborts the generation in the engine", async () => {
    const engine = await startEngine({ instant: false, timeScale: 1 });
    closers.push(() => engine.close());
    const proxy = await startProxy({ backends: [engine.url], router: "tr" });
    closers.push(() => proxy.close());

    const ac = new AbortController();
    const pending = request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, messages, max_tokens: 4000, program_id: "leaver" }),
      signal: ac.signal,
    }).catch((err: unknown) => err);
    await eventually(
      async () => (await engineMetric(engine, "vllm:num_requests_running")) === 1,
      "the request to run in the engine",
    );
    ac.abort();
    expect(await pending).toBeInstanceOf(Error);
    await expectAbortSeen(engine, proxy, "leaver");
  });

  it("drops the pending wait of a paused program; the engine never sees the request", async () => {
    const engine = await startEngine({ kvTokens: 256 });
    closers.push(() => engine.close());
    const proxy = await startProxy({ backends: [engine.url], router: "tr" });
    closers.push(() => proxy.close());
    // ~400 estimated tokens cannot fit 256: the new program waits.
    const big = [{ role: "user", content: "x ".repeat(1000) }];
    const ac = new AbortController();
    const pending = request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: MODEL, messages: big, program_id: "waiter" }),
      signal: ac.signal,
    }).catch((e: unknown) => e);
    await eventually(() => proxy.ctx.waiters.size === 1, "the request to wait");
    expect(proxy.ctx.router.stats().pendingRequests).toBe(1);
    ac.abort();
    expect(await pending).toBeInstanceOf(Error);
    await eventually(() => proxy.ctx.waiters.size === 0, "the wait to be dropped");
    expect(proxy.ctx.router.stats().pendingRequests).toBe(0);
    expect(await lastRequests(engine)).toEqual([]);
    // A later tick has nothing to resume for it.
    const tick = await proxy.loop.tick();
    expect(tick?.resumed).toEqual([]);
  });
});

describe("backend killed mid-stream", () => {
  it("ends the client's stream with an error; the proxy stays up and the program consistent", async () => {
    const engine = await startEngine({ instant: false, timeScale: 1 });
    const proxy = await startProxy({ backends: [engine.url], router: "tr" });
    closers.push(() => proxy.close());

    const res = await stream(proxy, "victim");
    expect(res.statusCode).toBe(200);
    const reader = res.body[Symbol.asyncIterator]();
    const first = await reader.next();
    expect(String(first.value)).toContain('"choices"');
    // Kill: every connection of the engine dies, then the engine goes away.
    engine.app.server.closeAllConnections();
    const closing = engine.close();
    let rest = "";
    for (;;) {
      const n = await reader.next();
      if (n.done) break;
      rest += String(n.value);
    }
    await closing;
    const events = rest.split("\n\n").filter(Boolean);
    const error = events.find((e) => e.startsWith('data: {"error"'));
    expect(error).toBeDefined();
    expect(JSON.parse(error!.slice(6)).error.message).toMatch(/stream broke/);
    expect(events.at(-1)).toBe("data: [DONE]");

    expect((await request(`${proxy.url}/health`)).statusCode).toBe(200);
    expect((await programs(proxy))["victim"]).toMatchObject({ status: "acting", state: "active" });
    expect(proxy.ctx.router.stats().inFlightRequests).toBe(0);
    expect(proxy.ctx.counters.streamErrors).toBe(1);

    // The next request finds no backend: 502, and the proxy still answers.
    const again = await request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: MODEL, messages, program_id: "victim" }),
    });
    expect(again.statusCode).toBe(502);
    await again.body.dump();
  });
});
