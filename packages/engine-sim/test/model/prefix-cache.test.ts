import { describe, expect, it } from "vitest";
import { EngineModel } from "../../src/index.js";
import { concat, finished, req, runUntilIdle, smallConfig, tokens } from "../helpers.js";

describe("prefix caching (full blocks, chained hashes)", () => {
  it("a resubmitted conversation hits its prefix in full blocks", () => {
    const m = new EngineModel(smallConfig());
    const p1 = tokens(100);
    m.addRequest(req("a", p1, 5), 0);
    let { events, now } = runUntilIdle(m);
    expect(finished(events, "a").cachedTokens).toBe(0);
    // the next step appends to the conversation: 6 full blocks of the old prompt are reused
    m.addRequest(req("b", concat(p1, tokens(60, 50_000)), 5), now);
    ({ events, now } = runUntilIdle(m, now));
    expect(finished(events, "b").cachedTokens).toBe(96);
    const s = m.snapshot();
    expect(s.prefixCacheQueries).toBe(100 + 160);
    expect(s.prefixCacheHits).toBe(96);
  });

  it("always recomputes the last prompt token (an identical block-aligned prompt hits one block less)", () => {
    const m = new EngineModel(smallConfig());
    const p = tokens(64);
    m.addRequest(req("a", p), 0);
    const { now } = runUntilIdle(m);
    m.addRequest(req("b", p), now);
    const { events } = runUntilIdle(m, now);
    expect(finished(events, "b").cachedTokens).toBe(48);
  });

  it("a differing token breaks the chain for every later block", () => {
    const m = new EngineModel(smallConfig());
    const p = tokens(80);
    m.addRequest(req("a", p), 0);
    const { now } = runUntilIdle(m);
    const q = p.slice();
    q[20] = 7; // inside block 1
    m.addRequest(req("b", q), now);
    const { events } = runUntilIdle(m, now);
    expect(finished(events, "b").cachedTokens).toBe(16);
  });

  it("decode blocks are cached under the reply's token ids", () => {
    const m = new EngineModel(smallConfig());
    const p = tokens(40);
    const reply = tokens(40, 90_000);
    m.addRequest(req("a", p, 40, { outputTokenIds: reply }), 0);
    const { now } = runUntilIdle(m);
    // next prompt = prompt + reply + observation: 79 computed tokens → 4 full blocks (64)
    m.addRequest(req("b", concat(concat(p, reply), tokens(30, 70_000))), now);
    const { events } = runUntilIdle(m, now);
    expect(finished(events, "b").cachedTokens).toBe(64);
  });

  it("without reply ids the generated blocks never hit", () => {
    const m = new EngineModel(smallConfig());
    const p = tokens(40);
    m.addRequest(req("a", p, 40), 0);
    const { now } = runUntilIdle(m);
    m.addRequest(req("b", concat(concat(p, tokens(40, 90_000)), tokens(30, 70_000))), now);
    const { events } = runUntilIdle(m, now);
    expect(finished(events, "b").cachedTokens).toBe(32);
  });
});

describe("hash memo per program", () => {
  it("reuses hashes only for identical leading blocks", () => {
    const m = new EngineModel(smallConfig());
    const p = tokens(100);
    m.addRequest(req("a", p, 1, { programId: "p" }), 0);
    let { now } = runUntilIdle(m);
    const q = concat(p, tokens(50, 3000));
    q[40] = 1; // block 2 differs
    m.addRequest(req("b", q, 1, { programId: "p" }), now);
    let r = runUntilIdle(m, now);
    now = r.now;
    expect(finished(r.events, "b").cachedTokens).toBe(32);
    // and a third prompt extending b hits all of b's full blocks (9 blocks of 150 tokens)
    m.addRequest(req("c", concat(q, tokens(10, 4000)), 1, { programId: "p" }), now);
    r = runUntilIdle(m, now);
    expect(finished(r.events, "c").cachedTokens).toBe(144);
  });
});
