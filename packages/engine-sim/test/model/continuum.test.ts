import { describe, expect, it } from "vitest";
import { EngineModel } from "../../src/index.js";
import { concat, finished, req, runUntilIdle, smallConfig, tokens } from "../helpers.js";

const continuum = { ttlS: 2, maxMeanToolS: 2 };

describe("continuum mode (pin on finish)", () => {
  it("pins a finished request's blocks for the TTL, then unpins on expiry", () => {
    const m = new EngineModel(smallConfig({ continuum }));
    m.addRequest(req("a", tokens(64), 1, { programId: "p", toolKey: "ls" }), 0);
    const { now } = runUntilIdle(m);
    let s = m.snapshot();
    expect(s.pinnedRequests).toBe(1);
    expect(s.kvCacheUsage).toBeCloseTo(4 / 64, 10); // pinned blocks are referenced
    // another program's request at now + 1: the pin has not expired
    m.addRequest(req("x", tokens(20, 50_000), 1, { programId: "q" }), now + 1);
    runUntilIdle(m, now + 1);
    expect(m.snapshot().pinnedRequests).toBe(2);
    // after the TTL the next schedule() releases expired pins
    m.addRequest(req("y", tokens(20, 60_000), 1), now + 5);
    runUntilIdle(m, now + 5);
    s = m.snapshot();
    expect(s.pinnedRequests).toBe(0);
    expect(s.kvCacheUsage).toBe(0);
  });

  it("no pin on the last step, nor for a tool whose mean exceeds the threshold", () => {
    const m = new EngineModel(smallConfig({ continuum }));
    m.addRequest(req("a", tokens(64), 1, { programId: "p", isLastStep: true }), 0);
    let { now } = runUntilIdle(m);
    expect(m.snapshot().pinnedRequests).toBe(0);
    // teach it that "pytest" takes 10 s
    m.addRequest(req("b1", tokens(32, 7000), 1, { programId: "r", toolKey: "pytest" }), now);
    ({ now } = runUntilIdle(m, now));
    m.addRequest(
      req("b2", concat(tokens(32, 7000), tokens(20, 8000)), 1, {
        programId: "r",
        toolKey: "pytest",
      }),
      now + 10,
    );
    ({ now } = runUntilIdle(m, now + 10));
    expect(m.snapshot().pinnedRequests).toBe(0);
  });

  it("a later request of the program finishing releases the older pin; its prefix hits", () => {
    const m = new EngineModel(smallConfig({ continuum }));
    const p1 = tokens(64);
    m.addRequest(req("a1", p1, 1, { programId: "p", toolKey: "ls" }), 0);
    let { now } = runUntilIdle(m);
    m.addRequest(
      req("a2", concat(p1, tokens(40, 9000)), 1, { programId: "p", toolKey: "cat" }),
      now + 0.5,
    );
    const r = runUntilIdle(m, now + 0.5);
    now = r.now;
    expect(now).toBeGreaterThan(0);
    expect(finished(r.events, "a2").cachedTokens).toBe(64);
    expect(m.snapshot().pinnedRequests).toBe(1); // a1 released, a2 pinned
  });

  it("under memory pressure with nothing running, a waiting request frees a pin", () => {
    const m = new EngineModel(smallConfig({ continuum }));
    m.addRequest(req("a", tokens(64), 1, { programId: "p" }), 0);
    const { now } = runUntilIdle(m);
    m.addRequest(
      req("big", tokens(62 * 16 - 1, 100_000), 1, { programId: "q", isLastStep: true }),
      now,
    );
    const { events } = runUntilIdle(m, now);
    expect(finished(events, "big").reason).toBe("stop");
    expect(m.snapshot().pinnedRequests).toBe(0);
  });

  it("orders the queue: programs holding a pin first, then program-level FCFS", () => {
    const m = new EngineModel(smallConfig({ continuum, maxNumSeqs: 1 }));
    m.addRequest(req("p1", tokens(20, 1000), 1, { programId: "P" }), 0);
    let { now } = runUntilIdle(m);
    m.addRequest(req("old-1", tokens(20, 3000), 1, { programId: "OLD" }), now);
    m.addRequest(req("new-1", tokens(20, 4000), 1, { programId: "NEW" }), now);
    m.addRequest(req("p2", concat(tokens(20, 1000), tokens(8, 2000)), 1, { programId: "P" }), now);
    const order: string[] = [];
    while (m.hasWork()) {
      const r = m.step(now);
      now += r.durationS;
      for (const e of r.events) if (e.type === "scheduled") order.push(e.id);
    }
    expect(order).toEqual(["p2", "old-1", "new-1"]);
  });
});
