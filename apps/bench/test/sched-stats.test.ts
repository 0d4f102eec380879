import { describe, expect, it } from "vitest";
import { geomean, gini, goodSteps, percentile } from "../src/sched/stats.js";
import { GroupBarrier, startTimes } from "../src/sched/clients.js";

describe("scheduling statistics on hand-computed numbers", () => {
  it("Gini of pauses across programs", () => {
    expect(gini([])).toBe(0);
    expect(gini([0, 0, 0])).toBe(0);
    expect(gini([3, 3, 3, 3])).toBe(0);
    // One of four holds everything: (n − 1)/n = 0.75.
    expect(gini([0, 0, 0, 8])).toBeCloseTo(0.75, 12);
    // [1, 2, 3, 4]: Σ|xi − xj| over ordered pairs = 20, 2·n²·μ = 2·16·2.5 = 80 → 0.25.
    expect(gini([4, 1, 3, 2])).toBeCloseTo(0.25, 12);
    // [0, 1]: 2 / (2·4·0.5) = 0.5.
    expect(gini([1, 0])).toBeCloseTo(0.5, 12);
  });

  it("goodput counts steps whose first token came within the SLO", () => {
    const steps = [
      { arrivedAt: 0, firstTokenAt: 2 }, // 2 s
      { arrivedAt: 10, firstTokenAt: 20 }, // 10 s: exactly the SLO, counts
      { arrivedAt: 5, firstTokenAt: 15.5 }, // 10.5 s
      { arrivedAt: 100, firstTokenAt: 140 }, // 40 s (a long pause)
    ];
    expect(goodSteps(steps, 10)).toBe(2);
    expect(goodSteps(steps, 40)).toBe(4);
    expect(goodSteps(steps, 1)).toBe(0);
    expect(goodSteps([], 10)).toBe(0);
  });

  it("percentiles by nearest rank, and the geometric mean", () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 10)).toBe(1);
    expect(percentile([], 50)).toBe(0);
    expect(geomean([1, 4])).toBeCloseTo(2, 12);
    expect(geomean([2, 8, 4])).toBeCloseTo(4, 12);
    expect(geomean([])).toBeNaN();
  });

  it("arrivals and group barriers", () => {
    expect(startTimes(4, { pattern: "all" })).toEqual([0, 0, 0, 0]);
    expect(startTimes(4, { pattern: "ramp", overS: 100 })).toEqual([0, 25, 50, 75]);
    expect(startTimes(4, { pattern: "burst", atS: 60, agents: 3 })).toEqual([0, 60, 60, 60]);
    const b = new GroupBarrier(6, 3);
    expect(b.ended(1)).toEqual([]);
    expect(b.ended(4)).toEqual([]);
    expect(b.ended(0)).toEqual([]);
    expect(b.ended(2)).toEqual([0, 1, 2]);
    expect(new GroupBarrier(4, 1).ended(3)).toEqual([3]);
  });
});
