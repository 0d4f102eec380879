import { tokenizeChat } from "@thunderagent/engine-sim";
import type { ProgramsResponse } from "@thunderagent/protocol";
import { freePort } from "./helpers/ports.js";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { lastRequests, MODEL, startEngine } from "./helpers/engines.js";
import { eventually, startProxy, type RunningProxy } from "./helpers/harness.js";

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A user message whose chat prompt is exactly `tokens` tokens for engine-sim. */
function messagesOf(tokens: number, seed: string) {
  let content = `${seed} `;
  const word = "lorem ";
  while (tokenizeChat([{ role: "user", content: content + word }]).length <= tokens)
    content += word;
  return [{ role: "user", content }];
}

function chat(proxy: RunningProxy, body: Record<string, unknown>) {
  return request(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, max_tokens: 16, ...body }),
  });
}

async function programs(proxy: RunningProxy): Promise<ProgramsResponse> {
  return (await (await request(`${proxy.url}/programs`)).body.json()) as ProgramsResponse;
}

async function release(proxy: RunningProxy, id: unknown) {
  const res = await request(`${proxy.url}/programs/release`, {
    method: "POST",
    body: JSON.stringify({ program_id: id }),
  });
  return { status: res.statusCode, body: await res.body.json() };
}

describe("pause and restore (tr)", () => {
  it("makes a second program wait on a small engine and runs it once the first is released", async () => {
    const engine = await startEngine({ kvTokens: 3200 });
    closers.push(() => engine.close());
    const proxy = await startProxy({ backends: [engine.url], router: "tr", profile: false });
    closers.push(() => proxy.close());

    const a = await chat(proxy, { program_id: "A", messages: messagesOf(1800, "a") });
    expect(a.statusCode).toBe(200);
    await a.body.json();
    expect((await programs(proxy))["A"]).toMatchObject({ status: "acting", state: "active" });

    const pendingB = chat(proxy, { program_id: "B", messages: messagesOf(1800, "b") });
    await eventually(() => proxy.ctx.waiters.size === 1, "B to wait");
    expect((await programs(proxy))["B"]).toMatchObject({ state: "paused", backend: null });
    // A tick does not let it through while A holds the room.
    await proxy.loop.tick();
    expect(proxy.ctx.waiters.size).toBe(1);
    expect((await lastRequests(engine)).length).toBe(1);

    expect((await release(proxy, "A")).body).toEqual({ program_id: "A", released: true });
    const tick = await proxy.loop.tick();
    expect(tick?.resumed.map((r) => r.programId)).toEqual(["B"]);
    const b = await pendingB;
    expect(b.statusCode).toBe(200);
    await b.body.json();
    const after = await programs(proxy);
    expect(after["A"]).toBeUndefined();
    expect(after["B"]).toMatchObject({ state: "active", status: "acting", backend: engine.url });
    expect(proxy.ctx.router.stats().restores).toBeGreaterThanOrEqual(1);
  });
});

describe("migration between two backends", () => {
  it("restores a program paused on a full backend onto the other one", async () => {
    const e1 = await startEngine({ kvTokens: 3200 });
    closers.push(() => e1.close());
    const e2Port = await freePort();
    const e2Url = `http://127.0.0.1:${e2Port}`;
    // The capacities below are sized for the original's 100-token buffer per program.
    const proxy = await startProxy({
      backends: [e1.url, e2Url],
      router: "tr",
      bufferPerProgram: 100,
      sharedCredit: "always",
      // The original's placement: a restore goes to the roomiest backend at once (the default,
      // origin-first, waits 60 s for the origin first; policy-scenarios.test.ts covers it).
      resumePlacement: "best-fit",
    });
    closers.push(() => proxy.close());
    // e2 is not up yet: both programs land on e1.
    expect(proxy.ctx.monitor.isHealthy(e2Url)).toBe(false);

    const p1 = messagesOf(1400, "p1");
    for (const [id, msgs] of [
      ["P1", p1],
      ["P2", messagesOf(1400, "p2")],
    ] as const) {
      const res = await chat(proxy, { program_id: id, messages: msgs });
      expect(res.statusCode).toBe(200);
      await res.body.json();
    }
    let view = await programs(proxy);
    expect(view["P1"]?.backend).toBe(e1.url);
    expect(view["P2"]?.backend).toBe(e1.url);

    // P1's next step grows its context: e1 is now over capacity.
    const grown = [...p1, { role: "assistant", content: "ok" }, ...messagesOf(300, "more")];
    const step2 = await chat(proxy, { program_id: "P1", messages: grown });
    expect(step2.statusCode).toBe(200);
    await step2.body.json();

    const e2 = await startEngine({ kvTokens: 8000, port: e2Port });
    closers.push(() => e2.close());
    await proxy.ctx.monitor.checkHealth();
    expect(proxy.ctx.monitor.isHealthy(e2Url)).toBe(true);

    const first = await proxy.loop.tick();
    expect(first?.paused).toEqual(["P2"]);
    const second = await proxy.loop.tick();
    const restored = [...(first?.restored ?? []), ...(second?.restored ?? [])];
    expect(restored).toContainEqual({ programId: "P2", backend: e2Url, from: e1.url });
    expect(proxy.ctx.router.stats().migrations).toBe(1);
    view = await programs(proxy);
    expect(view["P2"]).toMatchObject({ backend: e2Url, state: "active" });

    // Its next request goes to the new backend.
    const res = await chat(proxy, { program_id: "P2", messages: messagesOf(200, "p2 next") });
    expect(res.statusCode).toBe(200);
    await res.body.json();
    expect((await lastRequests(e2)).length).toBe(1);
  });
});

describe("release", () => {
  it("answers released:false for unknown ids, numbers as strings, and 400 without an id", async () => {
    const engine = await startEngine();
    closers.push(() => engine.close());
    const proxy = await startProxy({ backends: [engine.url] });
    closers.push(() => proxy.close());
    expect(await release(proxy, "never-seen")).toEqual({
      status: 200,
      body: { program_id: "never-seen", released: false },
    });
    const res = await chat(proxy, { program_id: 7, messages: messagesOf(20, "x") });
    await res.body.json();
    expect((await release(proxy, 7)).body).toEqual({ program_id: "7", released: true });
    expect((await release(proxy, "7")).body).toEqual({ program_id: "7", released: false });
    expect((await release(proxy, null)).status).toBe(400);
  });
});
