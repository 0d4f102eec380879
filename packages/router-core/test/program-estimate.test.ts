/**
 * Option 6, per-program token estimation: `tokenEstimate` "per-program" divides a request's chars
 * by its program's own ratio; `restoreNeed` "next-step" asks room for a paused acting program's
 * tokens plus its own growth per step.
 */
import { describe, expect, it } from "vitest";
import { emptySnapshot, type RouterOptions } from "../src/index.js";
import { A, makeRouter, startRequest, step } from "./helpers.js";

/** "code" runs at 2.5 chars/token, then "prose" at 5: the global ratio is 0.2·5 + 0.8·2.5 = 3. */
function twoStyles(opts: Partial<RouterOptions>) {
  const r = makeRouter([A], [100_000], { sharedCredit: "never", ...opts });
  step(r, "code", 2500, 1000, 0);
  step(r, "prose", 5000, 1000, 1);
  expect(r.charsPerToken).toBeCloseTo(3, 12);
  return r;
}

describe("per-program token estimate", () => {
  it("estimates a request by the global ratio (the original)", () => {
    const r = twoStyles({});
    startRequest(r, "prose", 1200, 2); // 6000 chars
    expect(r.program("prose")!.totalTokens).toBe(2000); // ⌊6000 / 3⌋
  });

  it("estimates by the program's own ratio once it has one", () => {
    const r = twoStyles({ tokenEstimate: "per-program" });
    startRequest(r, "prose", 1200, 2); // 6000 chars at its own 5 chars/token
    expect(r.program("prose")).toMatchObject({ totalTokens: 1200, charsPerToken: 5 });
    startRequest(r, "code", 1200, 2); // 6000 chars at 2.5
    expect(r.program("code")!.totalTokens).toBe(2400);
    startRequest(r, "new", 1200, 2); // no response yet: the global ratio
    expect(r.program("new")!.totalTokens).toBe(2000);
  });

  it("moves a program's own ratio by 0.2·sample + 0.8·old", () => {
    const r = makeRouter([A], [100_000], { tokenEstimate: "per-program" });
    step(r, "p", 5000, 1000, 0); // 5
    step(r, "p", 5000, 2000, 1); // sample 2.5: 0.2·2.5 + 0.8·5 = 4.5
    expect(r.program("p")!.charsPerToken).toBeCloseTo(4.5, 12);
  });
});

/** p grows 500 tokens per step (1000, 1500, 2000), acting, paused at t = 3; A then has 2300. */
function growing(opts: Partial<RouterOptions>) {
  const r = makeRouter([A], [100_000], { sharedCredit: "never", ...opts });
  step(r, "p", 5000, 1000, 0);
  step(r, "p", 7500, 1500, 1);
  step(r, "p", 10_000, 2000, 2);
  expect(r.program("p")!.growthPerStep).toBe(500);
  r.updateBackend(A, emptySnapshot(100, 1), 3);
  expect(r.tick(3).paused).toEqual(["p"]);
  r.updateBackend(A, emptySnapshot(2300, 1), 4);
  return r;
}

describe("next-step restore need", () => {
  it("restores an acting program by its current tokens (the original): 2100 ≤ 2300", () => {
    expect(growing({}).tick(4).restored).toEqual([{ programId: "p", backend: A, from: A }]);
  });

  it("asks room for its next step with next-step: 2000 + 500 + 100 > 2300", () => {
    const r = growing({ restoreNeed: "next-step" });
    expect(r.tick(4).restored).toEqual([]);
    r.updateBackend(A, emptySnapshot(2600, 1), 5);
    expect(r.tick(5).restored).toEqual([{ programId: "p", backend: A, from: A }]);
  });

  it("smooths the growth by 0.2·sample + 0.8·old and never lets it go negative", () => {
    const r = makeRouter([A], [100_000]);
    step(r, "p", 5000, 1000, 0);
    step(r, "p", 5000, 2000, 1); // +1000
    step(r, "p", 5000, 1500, 2); // −500 → 0: 0.2·0 + 0.8·1000 = 800
    expect(r.program("p")!.growthPerStep).toBeCloseTo(800, 12);
  });
});
