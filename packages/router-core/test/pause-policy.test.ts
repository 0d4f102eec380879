import { describe, expect, it } from "vitest";
import {
  DEFAULT_ROUTER_OPTIONS,
  emptySnapshot,
  ORIGINAL_THUNDERAGENT_OPTIONS,
  Router,
} from "../src/index.js";
import { A, actStep, makeRouter, startRequest, usage } from "./helpers.js";

/**
 * On A (w = 1, buffer 100): acting p1 = 1000, p2 = 2000, p3 = 3000 tokens, then reasoning
 * p4 = 2500 and p5 = 500 (requests in flight). used = 3000 + 6000 + 5·100 = 9500.
 */
function fiveOnA(capacity: number) {
  const r = makeRouter([A], [100_000]);
  actStep(r, "p1", 1000, 0);
  actStep(r, "p2", 2000, 0);
  actStep(r, "p3", 3000, 0);
  const r4 = startRequest(r, "p4", 2500, 1);
  const r5 = startRequest(r, "p5", 500, 1);
  expect(r4.decision).toEqual({ kind: "forward", backend: A });
  expect(r5.decision).toEqual({ kind: "forward", backend: A });
  expect(r.stats().backends[0]!.used).toBe(9500);
  // KV usage 1.0: vLLM holds at least our reasoning tokens, so no shared credit.
  r.updateBackend(A, emptySnapshot(capacity, 1), 2);
  return { r, r4: r4.id, r5: r5.id };
}

describe("pause policy (tick, tr)", () => {
  it("pauses acting programs smallest first until used ≤ capacity", () => {
    const { r } = fiveOnA(7500);
    // 9500 > 7500: pause p1 (−1100 → 8400), p2 (−2100 → 6300 ≤ 7500): stop; p3 stays.
    const t = r.tick(3);
    expect(t.paused).toEqual(["p1", "p2"]);
    expect(t.marked).toEqual([]);
    expect(r.program("p3")).toMatchObject({ state: "active", backend: A });
    expect(r.program("p1")).toMatchObject({ state: "paused", backend: null, originBackend: A });
    expect(r.stats().backends[0]!.used).toBe(6300);
  });

  it("then marks reasoning programs smallest first, counting marked tokens as leaving", () => {
    const { r, r4, r5 } = fiveOnA(2800);
    // Acting all paused: 9500 − 1100 − 2100 − 3100 = 3200 > 2800.
    // Mark p5 (500): 3200 − 500 = 2700 ≤ 2800: stop. p4 stays unmarked.
    const t = r.tick(3);
    expect(t.paused).toEqual(["p1", "p2", "p3"]);
    expect(t.marked).toEqual(["p5"]);
    expect(r.healthView().per_backend[A]).toMatchObject({
      marked_for_pause: 1,
      future_paused_tokens: 500,
    });
    // A second tick does not mark more: 3200 − 500 ≤ 2800 already.
    expect(r.tick(4).marked).toEqual([]);
    // p5's request ends: it pauses then (as acting, 600 tokens after the response).
    r.complete(r5, usage(600, 500), 5);
    expect(r.program("p5")).toMatchObject({
      state: "paused",
      status: "acting",
      markedForPause: false,
    });
    expect(r.healthView().per_backend[A]).toMatchObject({
      marked_for_pause: 0,
      future_paused_tokens: 0,
    });
    // p4 unaffected: still reasoning on A.
    r.complete(r4, usage(2600, 2500), 5);
    expect(r.program("p4")).toMatchObject({ state: "active", status: "acting", backend: A });
  });

  it("counts shared tokens: shared = max(0, reasoning − ⌊kv_usage·capacity⌋)", () => {
    const { r } = fiveOnA(100_000);
    // capacity 8000, kv usage 0.1 → vLLM holds 800; reasoning 3000 → shared 2200.
    // used = 9500 − 2200 = 7300 ≤ 8000: nothing paused.
    r.updateBackend(A, emptySnapshot(8000, 0.1), 2);
    const t = r.tick(3);
    expect(t.paused).toEqual([]);
    expect(
      r.metricsView({ metricsEnabled: true, metricsInterval: 5, now: 3 }).backends[A],
    ).toMatchObject({
      shared_tokens: 2200,
      capacity_overflow: 0,
    });
    // kv usage 0.5 → 4000 ≥ reasoning: shared clamps at 0, used 9500 > 8000 → pause p1, p2.
    r.updateBackend(A, emptySnapshot(8000, 0.5), 4);
    expect(r.tick(5).paused).toEqual(["p1", "p2"]);
  });

  it("with sharedCredit unless-queued, gives no shared credit while the backend queues", () => {
    const { r } = fiveOnA(100_000);
    r.updateBackend(A, { ...emptySnapshot(8000, 0.1), numRequestsWaiting: 3 }, 2);
    // The original policy: shared 2200 as above, used 7300 ≤ 8000: nothing paused.
    expect(r.tick(3).paused).toEqual([]);
    const strict = makeRouter([A], [100_000], { sharedCredit: "unless-queued" });
    actStep(strict, "p1", 1000, 0);
    actStep(strict, "p2", 2000, 0);
    actStep(strict, "p3", 3000, 0);
    startRequest(strict, "p4", 2500, 1);
    startRequest(strict, "p5", 500, 1);
    strict.updateBackend(A, { ...emptySnapshot(8000, 0.1), numRequestsWaiting: 3 }, 2);
    // No credit: used 9500 > 8000 → pause p1 (8400), p2 (6300).
    expect(strict.tick(3).paused).toEqual(["p1", "p2"]);
    // The engine stops queueing: the credit is back (shared 2200, used 6300 − 2200 + …).
    strict.updateBackend(A, emptySnapshot(8000, 0.1), 4);
    strict.tick(5);
    expect(strict.stats().backends[0]!.shared).toBe(2200);
  });

  it("defaults to the kept policy changes; ORIGINAL_THUNDERAGENT_OPTIONS is the original's policy", () => {
    expect(DEFAULT_ROUTER_OPTIONS).toMatchObject({
      bufferPerProgram: 600,
      sharedCredit: "never",
      markReasoning: "all",
      // Policy v2, kept by measurement (docs/results/scheduling.md, "Policy v2: the defaults").
      actingLeaseS: 15,
      victimPenalty: 1,
      gateQueuedBackends: true,
      tokenEstimate: "per-program",
      // "Policy v2: resume placement".
      resumePlacement: "origin-first",
      resumeMoveAfterS: 60,
      resumeMoveHeadroom: null,
    });
    expect(ORIGINAL_THUNDERAGENT_OPTIONS).toEqual({
      ...DEFAULT_ROUTER_OPTIONS,
      bufferPerProgram: 100,
      payloadChars: "python-json",
      capacityFrom: "first-attempt",
      futurePausedTokens: "original",
      releasedRequestsTo: "first",
      forceResumeTo: "origin",
      restoreOrder: "at-pause",
      actingDecay: "original",
      pauseTies: "creation",
      unknownCapacity: "no-restores",
      actingLeaseS: null,
      victimPenalty: 0,
      gateQueuedBackends: false,
      tokenEstimate: "global",
      resumePlacement: "best-fit",
    });
    // With the defaults: the 600-token buffer per program, and no sharing credit, queued or not.
    const r = new Router({ ...DEFAULT_ROUTER_OPTIONS }, [A]);
    r.updateBackend(A, emptySnapshot(100_000), 0);
    actStep(r, "p1", 1000, 0);
    startRequest(r, "p2", 2000, 0);
    expect(r.stats().backends[0]!.used).toBe(3000 + 2 * 600);
    r.updateBackend(A, { ...emptySnapshot(100_000, 0.01), numRequestsWaiting: 1 }, 1);
    r.tick(2);
    expect(r.stats().backends[0]!.shared).toBe(0);
    r.updateBackend(A, emptySnapshot(100_000, 0.01), 3);
    r.tick(4);
    expect(r.stats().backends[0]!.shared).toBe(0); // "always" would credit 2000 − ⌊0.01 · 100000⌋
  });

  it("ORIGINAL_THUNDERAGENT_OPTIONS: never a sharing credit, and over capacity every reasoning program is marked", () => {
    // The capacity shrinks by snapshot below; that the original reads it only once is
    // original-quirks.test.ts's subject.
    const r = new Router({ ...ORIGINAL_THUNDERAGENT_OPTIONS, capacityFrom: "every-scrape" }, [A]);
    r.updateBackend(A, emptySnapshot(100_000), 0);
    actStep(r, "p1", 1000, 0);
    actStep(r, "p2", 2000, 0);
    actStep(r, "p3", 3000, 0);
    startRequest(r, "p4", 2500, 1);
    startRequest(r, "p5", 500, 1);
    // KV usage 0.1 would give a 2000-token credit under "always": the original never applies it.
    r.updateBackend(A, emptySnapshot(100_000, 0.1), 2);
    r.tick(3);
    expect(r.stats().backends[0]!.shared).toBe(0);
    // 9500 > 2800: all acting paused (3200 left), then both reasoning programs are marked, not
    // only p5 (whose 500 tokens would have been enough under "until-fits").
    r.updateBackend(A, emptySnapshot(2800, 1), 4);
    const t = r.tick(5);
    expect(t.paused).toEqual(["p1", "p2", "p3"]);
    expect(t.marked).toEqual(["p5", "p4"]);
    expect(r.healthView().per_backend[A]).toMatchObject({
      marked_for_pause: 2,
      future_paused_tokens: 3000,
    });
  });

  it("weights acting tokens by --acting-token-weight", () => {
    const r = makeRouter([A], [100_000], { actingTokenWeight: 0.5 });
    actStep(r, "p1", 1000, 0);
    actStep(r, "p2", 2000, 0);
    // used = 0.5·3000 + 200 = 1700
    expect(r.stats().backends[0]!.used).toBe(1700);
    r.updateBackend(A, emptySnapshot(1650), 1);
    // 1700 > 1650: pause p1 (−0.5·1000 − 100 = −600 → 1100): stop.
    expect(r.tick(2).paused).toEqual(["p1"]);
  });

  it("never pauses on a backend whose capacity is unknown", () => {
    const r = makeRouter([A], [null]);
    for (let i = 0; i < 20; i++) actStep(r, `p${i}`, 100_000, 0);
    expect(r.tick(1).paused).toEqual([]);
    expect(
      r.metricsView({ metricsEnabled: false, metricsInterval: null, now: 1 }).backends[A]!
        .cache_config,
    ).toBeNull();
  });
});
