import { afterEach, describe, expect, it } from "vitest";
import type { StartedEngineServer } from "../../src/index.js";
import { chat, post, start } from "./helpers.js";

let s: StartedEngineServer | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("client aborts", () => {
  it("a client closing mid-stream aborts the engine request (finished_reason abort)", async () => {
    // slowed down: a decode step takes ≥ 100 ms real, so even the shortest reply (24 tokens)
    // streams for seconds and the abort lands mid-stream on a loaded machine
    s = await start({ timeScale: 5, instant: false });
    const ac = new AbortController();
    const res = await post(s.url, chat({ stream: true, max_tokens: 2000 }), { signal: ac.signal });
    const reader = res.body!.getReader();
    await reader.read(); // the first bytes arrived: the request is in the engine
    ac.abort();
    const model = s.state.model;
    await until(() => model.snapshot().requestSuccess.abort === 1, "the abort to reach the engine");
    expect(model.snapshot().running).toBe(0);
    expect(model.snapshot().kvCacheUsage).toBe(0);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(
      /vllm:request_success_total\{engine="0",finished_reason="abort",model_name="glm-4\.6"\} 1\.0/,
    );
  });
});

describe("client aborts (non-streaming)", () => {
  it("a client hanging up before the answer aborts the engine request", async () => {
    s = await start({ timeScale: 5, instant: false });
    const ac = new AbortController();
    const pending = post(s.url, chat({ max_tokens: 2000 }), { signal: ac.signal }).catch(
      () => null,
    );
    const model = s.state.model;
    await until(() => model.snapshot().running === 1, "the request to run");
    ac.abort();
    await pending;
    await until(() => model.snapshot().requestSuccess.abort === 1, "the abort to reach the engine");
    expect(model.snapshot().running).toBe(0);
  });
});

describe("--continuum", () => {
  it("reads program_id and is_last_step from the body and pins by program", async () => {
    s = await start({ continuum: true });
    await post(s.url, chat({ program_id: "prog-1" }));
    await until(() => s!.state.model.snapshot().pinnedRequests === 1, "the pin");
    expect(s.state.model.snapshot().kvCacheUsage).toBeGreaterThan(0);
    await post(
      s.url,
      chat({ program_id: "prog-2", is_last_step: true }, [{ role: "user", content: "other" }]),
    );
    expect(s.state.model.snapshot().pinnedRequests).toBe(1);
  });
});
