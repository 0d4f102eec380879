import { describe, expect, it } from "vitest";
import { EngineModel, prefillCostUs, type EngineEvent } from "../../src/index.js";
import { req, runUntilIdle, smallConfig, tokens, TIMING } from "../helpers.js";

describe("V1 scheduler", () => {
  it("preempts the most recently admitted running request, which goes back to the queue head", () => {
    const m = new EngineModel(smallConfig()); // 64 usable blocks
    for (const id of ["r1", "r2", "r3"])
      m.addRequest(req(id, tokens(240, id.length * 10_000 + Number(id[1]) * 1000), 400), 0);
    m.addRequest(req("w", tokens(16 * 30, 900_000)), 0); // does not fit next to them: waits
    const events: EngineEvent[] = [];
    let now = 0;
    while (!events.some((e) => e.type === "preempted")) {
      const r = m.step(now);
      events.push(...r.events);
      now += r.durationS;
    }
    const pre = events.filter((e) => e.type === "preempted");
    expect(pre.map((e) => e.id)).toEqual(["r3"]);
    expect(m.runningIds()).toEqual(["r1", "r2"]);
    expect(m.waitingIds()[0]).toBe("r3");
    expect(m.snapshot().preemptions).toBe(1);
    const rest = runUntilIdle(m, now);
    const done = rest.events.filter((e) => e.type === "finished").map((e) => e.id);
    expect(done.sort()).toEqual(["r1", "r2", "r3", "w"]);
  });

  it("counts a preempted request's re-lookup apart from the exported prefix-cache counters", () => {
    const m = new EngineModel(smallConfig()); // the same pressure as above
    for (const id of ["r1", "r2", "r3"])
      m.addRequest(req(id, tokens(240, id.length * 10_000 + Number(id[1]) * 1000), 400), 0);
    m.addRequest(req("w", tokens(16 * 30, 900_000)), 0);
    const { events } = runUntilIdle(m);
    expect(events.some((e) => e.type === "preempted")).toBe(true);
    const s = m.snapshot();
    // Every prompt is disjoint: the only hits are victims finding their own freed blocks on resume, and
    // vLLM (≥ 0.11) records those as preempted_hits, which /metrics does not export.
    expect(s.prefixCachePreemptedQueries).toBeGreaterThanOrEqual(240);
    expect(s.prefixCachePreemptedHits).toBeGreaterThan(0);
    expect(s.prefixCacheHits).toBe(0);
    expect(s.prefixCacheQueries).toBeGreaterThanOrEqual(3 * 240 + 16 * 30);
  });

  it("admits no waiting request in a step that preempted", () => {
    const m = new EngineModel(smallConfig());
    for (const id of ["r1", "r2", "r3"])
      m.addRequest(req(id, tokens(240, Number(id[1]) * 10_000), 400), 0);
    m.addRequest(req("tiny", tokens(5, 700_000)), 0);
    let now = 0;
    for (;;) {
      const before = m.waitingIds();
      const r = m.step(now);
      now += r.durationS;
      if (r.events.some((e) => e.type === "preempted")) {
        expect(r.events.some((e) => e.type === "scheduled")).toBe(false);
        expect(m.waitingIds().length).toBe(before.length + 1);
        break;
      }
    }
  });

  it("chunks a long prefill by max_num_batched_tokens and shares the budget", () => {
    const m = new EngineModel(smallConfig({ maxNumBatchedTokens: 256, numGpuBlocks: 200 }));
    m.addRequest(req("long", tokens(600), 2), 0);
    m.addRequest(req("short", tokens(10, 50_000), 1), 0);
    const r1 = m.step(0);
    expect(r1.events.map((e) => e.type)).toEqual(["scheduled"]); // long gets all 256
    const r2 = m.step(1);
    expect(r2.events.filter((e) => e.type === "first_token")).toEqual([]);
    expect(m.runningIds()).toEqual(["long"]);
    const r3 = m.step(2); // long: 88 more (done) + short: 10
    expect(r3.events.filter((e) => e.type === "first_token").map((e) => e.id)).toEqual([
      "long",
      "short",
    ]);
  });

  it("caps running requests at max_num_seqs", () => {
    const m = new EngineModel(smallConfig({ maxNumSeqs: 2 }));
    for (const id of ["a", "b", "c"])
      m.addRequest(req(id, tokens(20, id.charCodeAt(0) * 1000), 5), 0);
    m.step(0);
    expect(m.runningIds()).toEqual(["a", "b"]);
    expect(m.waitingIds()).toEqual(["c"]);
    const s = m.snapshot();
    expect([s.running, s.waiting]).toEqual([2, 1]);
  });

  it("finishes with stop at outputTokens and with length at maxTokens", () => {
    const m = new EngineModel(smallConfig());
    m.addRequest(req("s", tokens(20), 7), 0);
    m.addRequest({ id: "l", promptTokens: tokens(20, 9000), maxTokens: 4, outputTokens: 50 }, 0);
    const { events } = runUntilIdle(m);
    const fin = events.filter((e) => e.type === "finished");
    expect(fin).toContainEqual({
      type: "finished",
      id: "s",
      reason: "stop",
      promptTokens: 20,
      completionTokens: 7,
      cachedTokens: 0,
    });
    expect(fin.find((e) => e.id === "l")).toMatchObject({ reason: "length", completionTokens: 4 });
    const s = m.snapshot();
    expect(s.requestSuccess).toEqual({ stop: 1, length: 1, abort: 0, error: 0 });
    expect(s.generationTokens).toBe(11);
    expect(s.promptTokens).toBe(40);
  });

  it("aborts free the blocks and count finished_reason abort", () => {
    const m = new EngineModel(smallConfig());
    m.addRequest(req("a", tokens(100), 50), 0);
    m.step(0);
    m.abort("a", 0.1);
    expect(m.snapshot().kvCacheUsage).toBe(0);
    const r = m.step(0.2);
    expect(r.events).toEqual([
      {
        type: "finished",
        id: "a",
        reason: "abort",
        promptTokens: 100,
        completionTokens: 1,
        cachedTokens: 0,
      },
    ]);
    expect(m.snapshot().requestSuccess.abort).toBe(1);
    expect(m.hasWork()).toBe(false);
  });

  it("rejects prompts that can never run", () => {
    const m = new EngineModel(smallConfig());
    expect(() => m.addRequest(req("x", tokens(4096)), 0)).toThrow(/max_model_len/);
    expect(() => m.addRequest(req("y", tokens(64 * 16)), 0)).toThrow(/KV cache/);
  });
});

describe("step-time model", () => {
  it("prices a prefill by position and a decode by batch size and context", () => {
    const m = new EngineModel(smallConfig({ numGpuBlocks: 400 }));
    m.addRequest(req("a", tokens(1000), 3), 0);
    m.addRequest(req("b", tokens(500, 90_000), 3), 0);
    const r1 = m.step(0);
    const prefill = prefillCostUs(TIMING, 0, 1000) + prefillCostUs(TIMING, 0, 500);
    expect(r1.durationS).toBeCloseTo(TIMING.decodeBaseMs / 1000 + prefill / 1e6, 12);
    const r2 = m.step(r1.durationS);
    const ctx = 1001 + 501;
    expect(r2.durationS).toBeCloseTo(
      (TIMING.decodeBaseMs + 2 * TIMING.decodePerSeqMs + (TIMING.decodePerMTokMs * ctx) / 1e6) /
        1000,
      12,
    );
    expect(prefillCostUs(TIMING, 17_000, 1)).toBeCloseTo(10 + 1.4 * 17, 9);
  });
});

describe("a request alone never deadlocks", () => {
  it("stops with length when it would outgrow the whole KV pool", () => {
    const m = new EngineModel(smallConfig()); // 64 blocks = 1024 tokens, max_model_len 4096
    m.addRequest(req("big", tokens(1000), 500), 0);
    const { events } = runUntilIdle(m);
    const fin = events.find((e) => e.type === "finished");
    expect(fin).toMatchObject({ reason: "length", completionTokens: 24 });
  });
});
