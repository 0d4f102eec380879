import type { MetricsResponse, ProgramsResponse } from "@thunderagent/protocol";
import { tokenizeChat } from "@thunderagent/engine-sim";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { startDockerApi } from "./helpers/docker-api.js";
import { lastRequests, MODEL, startEngine } from "./helpers/engines.js";
import { eventually, startProxy, type RunningProxy } from "./helpers/harness.js";

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

function messagesOf(tokens: number, seed: string) {
  let content = `${seed} `;
  while (tokenizeChat([{ role: "user", content: content + "lorem " }]).length <= tokens)
    content += "lorem ";
  return [{ role: "user", content }];
}

function chat(
  proxy: RunningProxy,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return request(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: MODEL, max_tokens: 8, ...body }),
  });
}

const fast = { schedulerInterval: 0.2, healthInterval: 0.2, metrics: true, metricsInterval: 0.2 };

describe("the app's own timers", () => {
  it("tick, poll metrics and check health by themselves", async () => {
    const engine = await startEngine({ kvTokens: 3200 });
    closers.push(() => engine.close());
    const proxy = await startProxy({ backends: [engine.url], ...fast }, { timers: true });
    closers.push(() => proxy.close());

    const metrics = async () =>
      ((await (await request(`${proxy.url}/metrics`)).body.json()) as MetricsResponse).backends[
        engine.url
      ]!;
    const first = (await metrics()).metrics!.last_updated;
    await eventually(async () => (await metrics()).metrics!.last_updated > first, "a metrics poll");

    const a = await chat(proxy, { program_id: "A", messages: messagesOf(1800, "a") });
    await a.body.json();
    // A poll taken while A was in the engine counts its prefix as shared; wait for a fresh one.
    const afterA = (await metrics()).metrics!.last_updated;
    await eventually(async () => (await metrics()).metrics!.last_updated > afterA, "a fresh poll");
    const pendingB = chat(proxy, { program_id: "B", messages: messagesOf(1800, "b") });
    await eventually(() => proxy.ctx.waiters.size === 1, "B to wait");
    await request(`${proxy.url}/programs/release`, {
      method: "POST",
      body: JSON.stringify({ program_id: "A" }),
    });
    // No manual tick: the scheduler timer restores B.
    const b = await pendingB;
    expect(b.statusCode).toBe(200);
    await b.body.json();

    // The health timer notices a dead backend.
    await engine.close();
    await eventually(
      async () => (await metrics()).healthy === false,
      "the backend to be marked down",
    );
    expect(proxy.ctx.monitor.isHealthy(engine.url)).toBe(false);
  });

  it("reclaims an abandoned program and removes its containers (--docker-gc)", async () => {
    const docker = await startDockerApi({ "sandbox-1": "idle" });
    closers.push(() => docker.close());
    const engine = await startEngine();
    closers.push(() => engine.close());
    const saved = process.env["DOCKER_HOST"];
    process.env["DOCKER_HOST"] = docker.host;
    let proxy: RunningProxy;
    try {
      proxy = await startProxy(
        { backends: [engine.url], ...fast, abandonTimeout: 0.3, dockerGc: true },
        { timers: true },
      );
    } finally {
      if (saved === undefined) delete process.env["DOCKER_HOST"];
      else process.env["DOCKER_HOST"] = saved;
    }
    closers.push(() => proxy.close());
    const res = await chat(proxy, {
      program_id: "idle",
      docker_ids: ["sandbox-1"],
      messages: messagesOf(20, "x"),
    });
    await res.body.json();
    await eventually(
      () => docker.deleted.length === 1,
      "the abandoned program's container removal",
    );
    expect(docker.deleted[0]).toMatch(/^sandbox-1\?/);
    const programs = (await (
      await request(`${proxy.url}/programs`)
    ).body.json()) as ProgramsResponse;
    expect(programs["idle"]).toBeUndefined();
    expect(proxy.ctx.router.stats().reclaimed).toBe(1);
  });
});

describe("--backend-api-key", () => {
  it("sends its own key upstream, never the client's", async () => {
    const engine = await startEngine();
    closers.push(() => engine.close());
    const proxy = await startProxy({
      backends: [engine.url],
      apiKey: "front",
      backendApiKey: "back",
    });
    closers.push(() => proxy.close());
    const res = await chat(
      proxy,
      { messages: messagesOf(10, "k") },
      { authorization: "Bearer front" },
    );
    expect(res.statusCode).toBe(200);
    await res.body.json();
    const last = (await lastRequests(engine)).at(-1)!;
    expect(last.headers["authorization"]).toBe("Bearer back");
  });
});
