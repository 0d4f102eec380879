/**
 * Option 4, the KV-usage signal: an EWMA over scrapes (`kvUsageSmoothingS`) and a high watermark
 * that marks reasoning programs down to a target (`kvHighWatermark`, `kvPauseTarget`).
 */
import { describe, expect, it } from "vitest";
import { emptySnapshot, type Router } from "../src/index.js";
import { smoothKvUsage } from "../src/policy/kv-signal.js";
import { A, actStep, makeRouter, startRequest } from "./helpers.js";

const signalOf = (r: Router) => r.stats().backends[0]!.kvUsageSignal;

describe("KV-usage signal", () => {
  it("is the last sample without smoothing (the original)", () => {
    const r = makeRouter([A], [10_000]);
    r.updateBackend(A, emptySnapshot(10_000, 0.5), 0);
    r.updateBackend(A, emptySnapshot(10_000, 1), 10);
    expect(signalOf(r)).toBe(1);
  });

  it("moves by 1 − e^(−Δt/τ) per scrape with kvUsageSmoothingS = τ", () => {
    const r = makeRouter([A], [null], { kvUsageSmoothingS: 10 });
    r.updateBackend(A, emptySnapshot(10_000, 0.5), 0);
    expect(signalOf(r)).toBe(0.5); // the first sample as is
    r.updateBackend(A, emptySnapshot(10_000, 1), 10); // Δt = τ: 0.5 + (1 − e^−1)·0.5
    expect(signalOf(r)).toBeCloseTo(0.5 + (1 - Math.exp(-1)) * 0.5, 12);
    expect(signalOf(r)).toBeCloseTo(0.81606, 5);
    r.updateBackend(A, emptySnapshot(10_000, 1), 10); // Δt = 0: no move
    expect(signalOf(r)).toBeCloseTo(0.81606, 5);
  });

  it("skips non-finite samples and takes τ = 0 as no smoothing", () => {
    expect(smoothKvUsage(0.4, 0, Number.NaN, 5, 10)).toBe(0.4);
    expect(smoothKvUsage(null, null, 0.7, 5, 10)).toBe(0.7);
    expect(smoothKvUsage(0.4, 0, 0.9, 5, 0)).toBe(0.9);
    expect(smoothKvUsage(0.4, 0, Number.NaN, 5, 0)).toBeNaN();
    expect(smoothKvUsage(0.4, 0, Number.NaN, 5, null)).toBeNaN();
  });

  it("feeds the prefix-sharing credit", () => {
    // One reasoning program of 4000 tokens; usage 0.1 then 0.5 (Δt = τ).
    const credit = (smoothing: number | null) => {
      const r = makeRouter([A], [null], { kvUsageSmoothingS: smoothing });
      startRequest(r, "p", 4000, 0);
      r.updateBackend(A, emptySnapshot(10_000, 0.1), 0);
      r.updateBackend(A, emptySnapshot(10_000, 0.5), 10);
      r.tick(10);
      return r.stats().backends[0]!.shared;
    };
    expect(credit(null)).toBe(0); // raw 0.5: max(0, 4000 − 5000)
    // Smoothed 0.1 + 0.632·0.4 = 0.3528: 4000 − ⌊3528.48⌋ = 472.
    expect(credit(10)).toBe(472);
  });
});

/** Three reasoning programs in flight on A (capacity 10000): 1000, 2000, 3000 tokens. */
function threeReasoning(opts: Parameters<typeof makeRouter>[2]) {
  const r = makeRouter([A], [10_000], { sharedCredit: "never", ...opts });
  for (const [pid, tokens] of [
    ["r3", 3000],
    ["r1", 1000],
    ["r2", 2000],
  ] as const) {
    expect(startRequest(r, pid, tokens, 0).decision).toEqual({ kind: "forward", backend: A });
  }
  return r;
}

describe("KV high watermark", () => {
  it("marks nothing without a watermark (the original), tokens being under capacity", () => {
    const r = threeReasoning({});
    r.updateBackend(A, emptySnapshot(10_000, 0.99), 1);
    expect(r.tick(1).marked).toEqual([]);
  });

  it("marks reasoning programs smallest first until the marks cover (signal − target)·capacity", () => {
    const r = threeReasoning({ kvHighWatermark: 0.95, kvPauseTarget: 0.8 });
    r.updateBackend(A, emptySnapshot(10_000, 0.94), 1);
    expect(r.tick(1).marked).toEqual([]); // below the high watermark
    r.updateBackend(A, emptySnapshot(10_000, 0.96), 2);
    // (0.96 − 0.80)·10000 = 1600: r1 (1000) leaves 600, r2 (2000) covers it.
    expect(r.tick(2).marked).toEqual(["r1", "r2"]);
    // Already marked tokens (3000) cover the excess: no new marks while the signal stays.
    expect(r.tick(3).marked).toEqual([]);
    r.updateBackend(A, emptySnapshot(10_000, 1), 4);
    // (1 − 0.8)·10000 − 3000 < 0: still nothing.
    expect(r.tick(4).marked).toEqual([]);
  });

  it("targets the low watermark when no pause target is set", () => {
    const r = threeReasoning({ kvHighWatermark: 0.95, kvLowWatermark: 0.9 });
    r.updateBackend(A, emptySnapshot(10_000, 0.96), 1);
    expect(r.tick(1).marked).toEqual(["r1"]); // 600 to cover: r1
  });

  it("reads the smoothed signal: one spike does not cross the watermark", () => {
    const r = threeReasoning({ kvHighWatermark: 0.95, kvPauseTarget: 0.8, kvUsageSmoothingS: 30 });
    r.updateBackend(A, emptySnapshot(10_000, 0.7), 0);
    r.updateBackend(A, emptySnapshot(10_000, 1), 1); // 0.7 + (1 − e^(−1/30))·0.3 ≈ 0.71
    expect(r.tick(1).marked).toEqual([]);
    const raw = threeReasoning({ kvHighWatermark: 0.95, kvPauseTarget: 0.8 });
    raw.updateBackend(A, emptySnapshot(10_000, 0.7), 0);
    raw.updateBackend(A, emptySnapshot(10_000, 1), 1);
    expect(raw.tick(1).marked).toEqual(["r1", "r2"]); // 2000 to cover
  });

  it("leaves acting programs to the token rule", () => {
    const r = makeRouter([A], [10_000], { kvHighWatermark: 0.95, sharedCredit: "never" });
    actStep(r, "a1", 500, 0);
    r.updateBackend(A, emptySnapshot(10_000, 1), 1);
    expect(r.tick(1)).toMatchObject({ paused: [], marked: [] });
  });
});
