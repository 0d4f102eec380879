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
    // after the TTL the next schedule() calls release expired pins (x's one step later: it
    // follows a's in the pin list, see "the pin after each released one" below)
    m.addRequest(req("y", tokens(20, 60_000), 2), now + 5);
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

// Rules checked line by line against the released Continuum scheduler (Weili-0234/vllm-continuum,
// vllm/v1/core/sched/scheduler.py); each test failed before the fix it names.
describe("continuum mode, as the released scheduler does it", () => {
  it("expired pins: the pin after each released one waits for the next schedule()", () => {
    // unpin_requests_regular removes from the list it iterates over, so of three consecutive
    // expired pins the middle one is not examined in that call.
    const m = new EngineModel(smallConfig({ continuum }));
    for (const [k, id] of ["a", "b", "c"].entries()) {
      m.addRequest(req(id, tokens(32, 1000 * (k + 1)), 1, { programId: id, toolKey: "ls" }), 0);
    }
    const { now } = runUntilIdle(m);
    expect(m.snapshot().pinnedRequests).toBe(3);
    m.addRequest(req("x", tokens(20, 50_000), 3), now + 5); // no program: never pinned
    const r = m.step(now + 5);
    expect(m.snapshot().pinnedRequests).toBe(1);
    m.step(now + 5 + r.durationS);
    expect(m.snapshot().pinnedRequests).toBe(0);
  });

  it("a victim before the current request: the next running request skips the step", () => {
    // The fork removes the victim from `running` without moving req_index back (vanilla vLLM's
    // victim is always the last request), so the request after the current one is skipped.
    const m = new EngineModel(smallConfig({ continuum })); // 64 usable blocks of 16
    // Programs PS and PT arrive first (their first calls are step-limit calls: no pin).
    m.addRequest(req("s0", tokens(16, 90_000), 1, { programId: "PS", isLastStep: true }), 0);
    m.addRequest(req("t0", tokens(16, 91_000), 1, { programId: "PT", isLastStep: true }), 0);
    let { now } = runUntilIdle(m);
    expect(m.snapshot().pinnedRequests).toBe(0);
    // Program PV arrives last (job-level LIFO makes it the victim) but is admitted first.
    m.addRequest(req("v", tokens(342, 10_000), 50, { programId: "PV" }), now);
    now += m.step(now).durationS;
    m.addRequest(req("s", tokens(320, 20_000), 50, { programId: "PS" }), now);
    m.addRequest(req("t", tokens(342, 30_000), 50, { programId: "PT" }), now);
    now += m.step(now).durationS;
    expect(m.runningIds()).toEqual(["v", "s", "t"]);
    expect(m.snapshot().freeBlocks).toBe(0);
    // s needs a 21st block: v (index 0, already scheduled this step) is preempted, t is skipped.
    const r = m.step(now);
    expect(r.events).toContainEqual({ type: "preempted", id: "v" });
    const tokenIds = r.events.filter((e) => e.type === "token").map((e) => e.id);
    expect(tokenIds).toEqual(["s"]);
    expect(m.runningIds()).toEqual(["s", "t"]);
  });

  it("nothing running, the head does not fit: one pin freed, then the queue is re-picked", () => {
    // The fork frees the pin with the latest end time and ends schedule(); the next (immediate)
    // schedule() re-peeks the queue. Here the freed pin was the head's own, so the other pinned
    // program goes first.
    const m = new EngineModel(smallConfig({ continuum }));
    m.addRequest(req("x0", tokens(16, 1000), 1, { programId: "PX" }), 0);
    let { now } = runUntilIdle(m);
    m.addRequest(req("y1", tokens(320, 2000), 1, { programId: "PY" }), now);
    ({ now } = runUntilIdle(m, now));
    m.addRequest(req("x1", tokens(320, 3000), 1, { programId: "PX" }), now);
    ({ now } = runUntilIdle(m, now));
    expect(m.snapshot().pinnedRequests).toBe(2); // y1 (older), x1 (latest end time)
    // 24 blocks free; x2 needs 30 (PX arrived first, so x2 heads the pinned programs).
    m.addRequest(req("x2", tokens(480, 4000), 1, { programId: "PX" }), now);
    m.addRequest(req("y2", tokens(480, 5000), 1, { programId: "PY" }), now);
    const order: string[] = [];
    while (m.hasWork()) {
      const r = m.step(now);
      now += r.durationS;
      for (const e of r.events) if (e.type === "scheduled") order.push(e.id);
    }
    expect(order).toEqual(["y2", "x2"]);
  });
  it("counts a preempted request's re-lookup in the exported counters (vLLM before 0.11)", () => {
    // The fork's vLLM has no preempted_* prefix-cache stats: get_computed_blocks counts every
    // lookup, so a victim re-hitting its own freed blocks is a prefix hit in /metrics.
    const m = new EngineModel(smallConfig({ continuum })); // the pressure of scheduler.test.ts
    for (const id of ["r1", "r2", "r3"]) {
      const p = tokens(240, id.length * 10_000 + Number(id[1]) * 1000);
      m.addRequest(req(id, p, 400, { programId: id, isLastStep: true }), 0);
    }
    m.addRequest(req("w", tokens(16 * 30, 900_000), 1, { programId: "w", isLastStep: true }), 0);
    const { events } = runUntilIdle(m);
    expect(events.some((e) => e.type === "preempted")).toBe(true);
    const s = m.snapshot();
    expect(s.prefixCachePreemptedQueries).toBe(0);
    expect(s.prefixCacheHits).toBeGreaterThan(0);
    expect(s.prefixCacheQueries).toBeGreaterThanOrEqual(4 * 240 + 16 * 30);
  });
});
