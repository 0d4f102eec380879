import { describe, expect, it } from "vitest";
import { EngineModel } from "../../src/index.js";
import { finished, req, runUntilIdle, smallConfig, tokens } from "../helpers.js";

describe("free-block queue and lazy LRU eviction", () => {
  it("returns a finished request's blocks to the tail in reverse order, keeping their hashes", () => {
    const m = new EngineModel(smallConfig()); // 64 usable blocks: 1..64
    m.addRequest(req("a", tokens(64)), 0);
    m.step(0); // prefill 64 tokens = 4 blocks, one token sampled, finished
    const q = m.freeQueue();
    expect(q.slice(-4)).toEqual([4, 3, 2, 1]);
    expect(q.length).toBe(64);
    for (const b of [1, 2, 3, 4]) expect(m.isCached(b)).toBe(true);
  });

  it("a flood of other requests evicts in LRU order, a request's newest blocks first", () => {
    const m = new EngineModel(smallConfig());
    m.addRequest(req("a", tokens(64)), 0); // blocks 1..4
    let { now } = runUntilIdle(m);
    const before = [1, 2, 3, 4].map((b) => m.blockHash(b));
    // queue: 5..64, 4, 3, 2, 1. A 62-block request takes 5..64 then evicts 4 and 3.
    m.addRequest(req("flood", tokens(62 * 16 - 1, 100_000), 2), now);
    m.step(now);
    const after = [1, 2, 3, 4].map((b) => m.blockHash(b));
    expect(after.map((h, i) => h === before[i])).toEqual([true, true, false, false]);
    expect(m.blocksOf("flood")!.slice(-2)).toEqual([4, 3]);
    ({ now } = runUntilIdle(m, now));
    // a resubmitted "a" still finds its two oldest (prefix) blocks
    m.addRequest(req("a2", tokens(64)), now);
    const { events } = runUntilIdle(m, now);
    expect(finished(events, "a2").cachedTokens).toBe(32);
    expect(m.snapshot().evictions).toBeGreaterThanOrEqual(2);
  });

  it("across requests the least recently freed go first", () => {
    const m = new EngineModel(smallConfig());
    m.addRequest(req("old", tokens(32, 1)), 0);
    let { now } = runUntilIdle(m);
    m.addRequest(req("new", tokens(32, 5000)), now);
    ({ now } = runUntilIdle(m, now));
    // old held 1, 2; new held 3, 4
    expect(m.freeQueue().slice(-4)).toEqual([2, 1, 4, 3]);
    // fill every never-used block (5..64), then two more: the older request's blocks go
    m.addRequest(req("flood", tokens(62 * 16 - 1, 100_000), 2), now);
    m.step(now);
    expect(m.blocksOf("flood")!.slice(-2)).toEqual([2, 1]);
  });

  it("a prefix hit on a free block takes it out of the queue", () => {
    const m = new EngineModel(smallConfig());
    m.addRequest(req("a", tokens(64)), 0);
    const { now } = runUntilIdle(m);
    m.addRequest(req("b", tokens(64), 5), now);
    m.step(now);
    const q = m.freeQueue();
    for (const b of [1, 2, 3]) expect(q).not.toContain(b);
  });
});

describe("kv_cache_usage_perc", () => {
  it("counts referenced blocks only: evictable cached blocks are free", () => {
    const m = new EngineModel(smallConfig());
    m.addRequest(req("a", tokens(160), 3), 0);
    m.step(0);
    expect(m.snapshot().kvCacheUsage).toBeCloseTo(10 / 64, 10);
    runUntilIdle(m);
    const s = m.snapshot();
    expect(s.kvCacheUsage).toBe(0);
    expect(s.freeBlocks).toBe(64);
    expect(m.isCached(1)).toBe(true);
  });
});
