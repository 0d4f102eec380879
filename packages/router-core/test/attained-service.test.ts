/**
 * Option 8, least-attained-service restore order: `restoreOrder` "least-service" restores the
 * programs whose requests spent the least time in the engine first.
 */
import { describe, expect, it } from "vitest";
import { emptySnapshot, type RouterOptions } from "../src/index.js";
import { A, makeRouter, startRequest, usage } from "./helpers.js";

/**
 * "heavy" (1000 tokens) spent 30 s in the engine, "light" (1500 tokens) 2 s; both are paused at
 * t = 40 and A then has room for one of them (1700: heavy needs 1100, light 1600).
 */
function twoServed(opts: Partial<RouterOptions>) {
  const r = makeRouter([A], [100_000], { sharedCredit: "never", ...opts });
  for (const [pid, tokens, done] of [
    ["heavy", 1000, 30],
    ["light", 1500, 2],
  ] as const) {
    const { id } = startRequest(r, pid, tokens, 0);
    r.forwarded(id, 0);
    r.complete(id, usage(tokens), done);
  }
  expect(r.program("heavy")!.serviceS).toBe(30);
  expect(r.program("light")!.serviceS).toBe(2);
  r.updateBackend(A, emptySnapshot(100, 1), 40);
  expect(r.tick(40).paused).toEqual(["heavy", "light"]);
  r.updateBackend(A, emptySnapshot(1700, 1), 41);
  return r;
}

describe("least-attained-service restore order", () => {
  it("restores the smallest first by default", () => {
    expect(
      twoServed({})
        .tick(41)
        .restored.map((x) => x.programId),
    ).toEqual(["heavy"]);
  });

  it("restores the least served first with least-service", () => {
    const r = twoServed({ restoreOrder: "least-service" });
    expect(r.tick(41).restored.map((x) => x.programId)).toEqual(["light"]);
  });

  it("counts engine time from forwarding, else from release or arrival, failures included", () => {
    const r = makeRouter([A], [100_000]);
    const a = startRequest(r, "p", 100, 0); // never reported forwarded: from arrival
    r.complete(a.id, usage(100), 3);
    const b = startRequest(r, "p", 100, 10);
    r.forwarded(b.id, 12);
    r.fail(b.id, 13.5);
    expect(r.program("p")!.serviceS).toBeCloseTo(4.5, 12);
  });
});
