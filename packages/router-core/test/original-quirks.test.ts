/**
 * The original's observable behaviours that ORIGINAL_THUNDERAGENT_OPTIONS reproduces (each found
 * by the conformance replay, apps/conformance), against router-core's defaults.
 */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_ROUTER_OPTIONS,
  emptySnapshot,
  ORIGINAL_THUNDERAGENT_OPTIONS,
  Router,
} from "../src/index.js";
import { usedTokensWithDecay } from "../src/capacity.js";
import { A, actStep, B, nextId, startRequest, usage } from "./helpers.js";

const original = () => ({ ...ORIGINAL_THUNDERAGENT_OPTIONS });

function withCapacities(opts: typeof DEFAULT_ROUTER_OPTIONS, caps: number[]): Router {
  const backends = [A, B].slice(0, caps.length);
  const r = new Router({ ...opts }, backends);
  backends.forEach((url, i) => r.updateBackend(url, emptySnapshot(caps[i]!), 0));
  return r;
}

function waitFor(r: Router, pid: string, tokens: number, now: number): string {
  const id = nextId();
  expect(r.arrive({ requestId: id, programId: pid, payloadChars: tokens * 5 }, now).kind).toBe(
    "wait",
  );
  return id;
}

describe("ORIGINAL_THUNDERAGENT_OPTIONS quirks", () => {
  it("reads a backend's capacity once: a later num_gpu_blocks change is ignored", () => {
    const r = withCapacities(original(), [6400]);
    actStep(r, "p1", 2000, 0);
    actStep(r, "p2", 2500, 0);
    r.updateBackend(A, emptySnapshot(2400), 1);
    expect(r.tick(2).paused).toEqual([]);
    expect(r.stats().backends[0]!.capacity).toBe(6400);
    // The defaults read every scrape: the same shrink pauses the smaller acting program.
    const d = withCapacities(DEFAULT_ROUTER_OPTIONS, [6400]);
    actStep(d, "p1", 2000, 0);
    actStep(d, "p2", 2500, 0);
    d.updateBackend(A, emptySnapshot(2400), 1);
    expect(d.tick(2).paused).toEqual(["p1", "p2"]);
  });

  it("keeps the original's future_paused_tokens counter: mark-time tokens in, end-time out", () => {
    const r = withCapacities(original(), [1200]);
    const ids = ["p1", "p2"].map((pid, i) => {
      const id = nextId();
      r.arrive({ requestId: id, programId: pid, payloadChars: (400 + 100 * i) * 5 }, 0);
      r.forwarded(id, 0);
      return id;
    });
    // p1 streams 120 chunks (+120 tokens): 520 + 500 + 200 > 1200, both reasoning programs marked.
    for (let i = 0; i < 120; i++) r.streamChunk(ids[0]!, 0.5);
    expect(r.tick(1).marked).toEqual(["p2", "p1"]);
    expect(r.healthView().per_backend[A]!.future_paused_tokens).toBe(1020);
    // p1 ends with 700 tokens and pauses: the counter drops by 700, not by the 520 marked.
    r.complete(ids[0]!, usage(700), 2);
    expect(r.healthView().per_backend[A]!.future_paused_tokens).toBe(320);
    r.complete(ids[1]!, usage(600), 3);
    expect(r.healthView().per_backend[A]!.future_paused_tokens).toBe(0);
  });

  it("sends a released program's waiting request to the first backend", () => {
    for (const [opts, expected] of [
      [original(), A],
      [{ ...DEFAULT_ROUTER_OPTIONS, bufferPerProgram: 100 }, B],
    ] as const) {
      const r = withCapacities(opts, [1600, 1600]);
      actStep(r, "a", 100, 0); // A
      actStep(r, "b", 200, 0); // B (fewer active tokens)
      actStep(r, "c", 50, 0); // A again: A holds two programs, B one
      const id = waitFor(r, "n", 2000, 1);
      const res = r.release("n", 2);
      expect(res.resumed).toEqual([
        { requestId: id, programId: "n", backend: expected, forced: false },
      ]);
    }
  });

  it("forces a paused program back to the backend it was paused from", () => {
    const r = new Router({ ...original(), forceResumeAfterS: 10 }, [A, B]);
    r.updateBackend(A, emptySnapshot(3000), 0);
    r.updateBackend(B, emptySnapshot(3000), 0);
    actStep(r, "p1", 1000, 0); // A
    actStep(r, "p2", 1500, 0); // B
    actStep(r, "p3", 1200, 0); // A (fewest active tokens)
    // p1's next request is estimated big: A over capacity, p3 (acting, smallest... of A) paused.
    const big = nextId();
    r.arrive({ requestId: big, programId: "p1", payloadChars: 2500 * 5 }, 1);
    expect(r.tick(2).paused).toEqual(["p3"]);
    const id = waitFor(r, "p3", 2600, 3);
    // Nothing fits; after 10 s p3 is forced back to A (its origin), not to the emptier B.
    const t = r.tick(14);
    expect(t.resumed).toEqual([{ requestId: id, programId: "p3", backend: A, forced: true }]);
  });

  it("orders paused programs inside a group by their tokens at pause time (restore-order-at-pause)", () => {
    for (const [opts, expected] of [
      [original(), "p"],
      [{ ...original(), restoreOrder: "current" as const }, "q"],
    ] as const) {
      const r = withCapacities(opts, [10_000]);
      actStep(r, "p", 1000, 0);
      actStep(r, "q", 2000, 0);
      // x ends with 9000 tokens: 12300 > 10000, p (1000) then q (2000) are paused.
      const x = startRequest(r, "x", 3000, 0);
      r.forwarded(x.id, 0);
      r.complete(x.id, usage(9000, 3000), 0);
      expect(r.tick(1).paused).toEqual(["p", "q"]);
      // Their next requests swap their sizes: p 3000, q 1500 (both reasoning, waiting).
      waitFor(r, "p", 3000, 2);
      waitFor(r, "q", 1500, 2);
      // x's next request is estimated 5900: 4000 left, room for p (3100) or q (1600), not both.
      startRequest(r, "x", 5900, 3);
      const t = r.tick(4);
      expect(t.restored.map((x) => x.programId)).toEqual([expected]);
    }
  });

  it("decays acting tokens as tokens·2^(−t) without the weight, floored (acting-decay-weight)", () => {
    const run = (opts: typeof DEFAULT_ROUTER_OPTIONS) => {
      const r = withCapacities(
        { ...opts, actingTokenWeight: 8, useActingTokenDecay: true },
        [10_000],
      );
      actStep(r, "a", 1000, 0); // acting since 0; plain used 8·1000 + 100
      const n = startRequest(r, "n", 8800, 0.8);
      expect(n.decision.kind).toBe("wait"); // 10000 − 8100 < 8900
      return r;
    };
    // The original: 1000·2^(−1) = 500, room 9400 ≥ 8900 → restored at once (then a is paused).
    const r = run(original());
    expect(r.tick(1).restored.map((x) => x.programId)).toEqual(["n"]);
    // Weighted: 8·1000·2^(−t) ≤ 1000 only from t = 3.
    const w = run({ ...original(), actingDecay: "weighted" });
    expect(w.tick(1).restored).toEqual([]);
    expect(w.tick(2.9).restored).toEqual([]);
    expect(w.tick(3).restored.map((x) => x.programId)).toEqual(["n"]);
    // The floor: one acting program of 3 tokens after 1 s counts ⌊1.5⌋ = 1 (weighted: 1.5).
    const f = withCapacities(
      { ...original(), actingTokenWeight: 1, useActingTokenDecay: true },
      [10_000],
    );
    actStep(f, "a", 3, 0);
    const b = f.state.backendList[0]!;
    expect(usedTokensWithDecay(b, f.state.cap, 1)).toBe(1 + 100);
    expect(usedTokensWithDecay(b, { ...f.state.cap, actingDecay: "weighted" }, 1)).toBe(1.5 + 100);
  });

  it("pauses the program created first among equally sized ones (pause-ties-creation-order)", () => {
    for (const [opts, expected] of [
      [original(), "x"],
      [{ ...original(), pauseTies: "registration" as const }, "y"],
    ] as const) {
      const r = withCapacities(opts, [10_000]);
      actStep(r, "x", 1000, 0); // created first
      actStep(r, "y", 3000, 0);
      // z ends with 6500: 10800 > 10000, x (the smallest) is paused.
      const z = startRequest(r, "z", 1000, 0);
      r.forwarded(z.id, 0);
      r.complete(z.id, usage(6500, 1000), 0);
      expect(r.tick(1).paused).toEqual(["x"]);
      // z's next request is small: x is restored, registered after y.
      startRequest(r, "z", 100, 2);
      expect(r.tick(3).restored.map((p) => p.programId)).toEqual(["x"]);
      expect([...r.state.backendList[0]!.programs].map((p) => p.id)).toEqual(["y", "z", "x"]);
      // x and y both end acting with 2000 tokens; w ends with 6000: 10500 > 10000, one pause.
      step2000(r, "y", 4);
      step2000(r, "x", 4);
      const w = startRequest(r, "w", 1000, 5);
      r.forwarded(w.id, 5);
      r.complete(w.id, usage(6000, 1000), 5);
      expect(r.tick(6).paused).toEqual([expected]);
    }
  });

  it("restores nothing onto a backend whose capacity it never read (unknown-capacity-no-restores)", () => {
    for (const [opts, expected] of [
      [original(), []],
      [
        {
          ...original(),
          unknownCapacity: "unbounded" as const,
          capacityFrom: "first-attempt" as const,
        },
        [B],
      ],
    ] as const) {
      const r = new Router({ ...opts }, [A, B]);
      r.updateBackend(A, emptySnapshot(4000), 0);
      // B was down at start-up: its first scrape failed, a later one reports 100000 tokens.
      r.scrapeFailed(B, 0);
      r.updateBackend(B, emptySnapshot(100_000), 1);
      expect(r.stats().backends[1]!.capacity).toBeNull();
      const view = r.metricsView({ metricsEnabled: true, metricsInterval: 1, now: 1 });
      expect(view.backends[B]!.cache_config).toBeNull();
      // p runs on A (fewest active tokens, first), then its next request is estimated 4500 and it
      // ends with 4500 tokens: marked, then paused; it fits only B.
      actStep(r, "p", 500, 1);
      const big = startRequest(r, "p", 4500, 2);
      expect(big.decision).toEqual({ kind: "forward", backend: A });
      expect(r.tick(3).marked).toEqual(["p"]);
      r.forwarded(big.id, 3);
      r.complete(big.id, usage(4500, 900), 4);
      expect(r.program("p")!.state).toBe("paused");
      expect(r.tick(5).restored.map((x) => x.backend)).toEqual(expected);
    }
    // A new program is still admitted to B (unknown capacity: unbounded room for admission).
    const r = new Router(original(), [A, B]);
    r.updateBackend(A, emptySnapshot(4000), 0);
    r.scrapeFailed(B, 0);
    r.updateBackend(B, emptySnapshot(100_000), 1);
    actStep(r, "p", 500, 1);
    expect(startRequest(r, "q", 5000, 2).decision).toEqual({ kind: "forward", backend: B });
  });
});

/** A step of `pid` that ends acting with 2000 tokens (prompt 1000 tokens of 5000 chars). */
function step2000(r: Router, pid: string, now: number): void {
  const s = startRequest(r, pid, 1000, now);
  expect(s.decision.kind).toBe("forward");
  r.forwarded(s.id, now);
  r.complete(s.id, usage(2000, 1000), now);
}
