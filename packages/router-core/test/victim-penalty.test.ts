/**
 * Option 7, repeat-victim penalty: with `victimPenalty` > 0 the pause policy orders candidates by
 * tokens · (1 + penalty · recent pauses), the recent pauses decaying with `victimMemoryS`.
 */
import { describe, expect, it } from "vitest";
import { emptySnapshot, type RouterOptions } from "../src/index.js";
import { createProgram } from "../src/program.js";
import { notePause, recentPauses } from "../src/policy/victim-penalty.js";
import { A, actStep, makeRouter } from "./helpers.js";

/**
 * x (1000) and y (1200) act on A; A shrinks to 2000 at t = 1 (used 2400): x, the smaller, is
 * paused, restored at t = 2, and A shrinks again at `again`.
 */
function pausedOnce(opts: Partial<RouterOptions>, again: number) {
  const r = makeRouter([A], [5000], opts);
  actStep(r, "x", 1000, 0);
  actStep(r, "y", 1200, 0);
  r.updateBackend(A, emptySnapshot(2000, 1), 1);
  expect(r.tick(1).paused).toEqual(["x"]);
  r.updateBackend(A, emptySnapshot(5000, 1), 2);
  expect(r.tick(2).restored.map((x) => x.programId)).toEqual(["x"]);
  r.updateBackend(A, emptySnapshot(2000, 1), again);
  return r;
}

describe("repeat-victim penalty", () => {
  it("pauses the smallest again without a penalty (the original)", () => {
    const r = pausedOnce({}, 3);
    expect(r.tick(3).paused).toEqual(["x"]);
    expect(r.program("x")!.pauseCount).toBe(2);
  });

  it("spares a recent victim: 1000·(1 + 1·0.998) > 1200, so y pauses", () => {
    const r = pausedOnce({ victimPenalty: 1, victimMemoryS: 600 }, 3);
    expect(r.tick(3).paused).toEqual(["y"]);
    expect(r.program("x")!.pauseCount).toBe(1);
    expect(r.program("y")!.pauseCount).toBe(1);
  });

  it("forgets: after τ·ln 5 the decayed count is below 0.2 and x is the smaller again", () => {
    // Paused at t = 1; at t = 1 + 600·ln 5 + 1 the weight is below 0.2 and x is smaller again.
    const r = pausedOnce({ victimPenalty: 1, victimMemoryS: 600 }, 1 + 600 * Math.log(5) + 1);
    expect(r.tick(1 + 600 * Math.log(5) + 1).paused).toEqual(["x"]);
  });

  it("counts decayed pauses: two at once are 2, halved after τ·ln 2", () => {
    const p = createProgram("p", 0, null);
    notePause(p, 0, 100);
    notePause(p, 0, 100);
    expect(p.pauseCount).toBe(2);
    expect(recentPauses(p, 0, 100)).toBe(2);
    expect(recentPauses(p, 100 * Math.log(2), 100)).toBeCloseTo(1, 12);
    notePause(p, 100 * Math.log(2), 100);
    expect(recentPauses(p, 100 * Math.log(2), 100)).toBeCloseTo(2, 12);
  });
});
