/**
 * The wait guard (`waitGuardAfterS`): a paused program whose request waited that long is brought
 * in within capacity, by swapping out acting programs resident `waitGuardQuantumS` or longer, or
 * its backend is held for it (no other restores there) until it fits.
 */
import { describe, expect, it } from "vitest";
import { emptySnapshot, type RouterOptions } from "../src/index.js";
import { A, actStep, B, makeRouter, startRequest } from "./helpers.js";

/**
 * A holds 10 000 tokens (no sharing credit). "a1" and "a2" (3000 each) are admitted at t = 0 and act (tool running).
 * "big" (5000) arrives at t = 1 and waits: A has 10 000 − 6000 − 3·buffer(100) = 3700 left.
 */
function crowded(opts: Partial<RouterOptions>) {
  const r = makeRouter([A], [10_000], { bufferPerProgram: 100, sharedCredit: "never", ...opts });
  actStep(r, "a1", 3000, 0);
  actStep(r, "a2", 3000, 0);
  expect(startRequest(r, "big", 5000, 1).decision).toEqual({ kind: "wait" });
  return r;
}

describe("wait guard", () => {
  it("off (the original): the waiting program stays paused however long it waits", () => {
    const r = crowded({});
    expect(r.tick(1000).restored).toEqual([]);
    expect(r.program("big")!.state).toBe("paused");
  });

  it("before the bound nothing happens", () => {
    const r = crowded({ waitGuardAfterS: 300, waitGuardQuantumS: 0 });
    expect(r.tick(300).restored).toEqual([]); // waited 299 s
    expect(r.program("a1")!.state).toBe("active");
  });

  it("at the bound it swaps out the longest-resident acting program and restores it", () => {
    const r = crowded({ waitGuardAfterS: 300, waitGuardQuantumS: 0 });
    const t = r.tick(301);
    // One victim frees 3100: 3700 + 3100 = 6800 ≥ 5100. a1 was admitted first.
    expect(t.paused).toEqual(["a1"]);
    expect(t.restored).toEqual([{ programId: "big", backend: A, from: null }]);
    expect(t.resumed.map((x) => x.programId)).toEqual(["big"]);
    expect(r.program("a2")!.state).toBe("active");
    expect(r.stats()).toMatchObject({ guardSwaps: 1, guardRestores: 1, longestWaitS: 0 });
    // Within capacity: used = 3000 + 5000 + 2·100 ≤ 10 000.
    expect(r.stats().backends[0]!.used).toBeLessThanOrEqual(10_000);
  });

  it("spares programs resident less than the quantum and holds the backend instead", () => {
    const r = crowded({ waitGuardAfterS: 300, waitGuardQuantumS: 400 });
    const t = r.tick(301); // a1, a2 resident 301 s < 400 s
    expect(t.paused).toEqual([]);
    expect(t.restored).toEqual([]);
    // Held: a small paused program that would fit is not restored onto A either.
    expect(startRequest(r, "small", 500, 302).decision).toEqual({ kind: "wait" });
    expect(r.tick(303).restored).toEqual([]);
    // Once the quantum passed, the swap happens.
    expect(r.tick(401).restored.map((x) => x.programId)).toContain("big");
  });

  it("never swaps a program with a request in the engine", () => {
    const r = crowded({ waitGuardAfterS: 300, waitGuardQuantumS: 0 });
    startRequest(r, "a1", 3000, 200); // a1 reasoning again: in flight
    startRequest(r, "a2", 3000, 200);
    const t = r.tick(301);
    expect(t.paused).toEqual([]);
    expect(r.program("big")!.state).toBe("paused");
  });

  it("prefers the origin, else the backend where swapping makes the most room", () => {
    const r = makeRouter([A, B], [10_000, 10_000], {
      bufferPerProgram: 100,
      sharedCredit: "never",
      waitGuardAfterS: 100,
      waitGuardQuantumS: 0,
    });
    actStep(r, "a1", 3000, 0);
    actStep(r, "b1", 3000, 0); // the most room: B
    actStep(r, "a2", 6500, 0); // a tie on room and active tokens: list order, A
    expect(startRequest(r, "big", 9000, 1).decision).toEqual({ kind: "wait" });
    const t = r.tick(102);
    // big first; a victim may be restored onto the other backend by the same tick's restore pass.
    expect(t.restored[0]).toMatchObject({ programId: "big" });
    const target = t.restored[0]!.backend;
    // Everything on the target that was swapped was acting; the target ends within capacity.
    const b = r.stats().backends.find((x) => x.url === target)!;
    expect(b.used).toBeLessThanOrEqual(10_000);
    expect(r.program("big")!.backend).toBe(target);
  });

  it("an unhealthy backend is neither a target nor held", () => {
    const r = crowded({ waitGuardAfterS: 300, waitGuardQuantumS: 0 });
    r.setBackendHealth(A, false, 300);
    expect(r.tick(301).restored).toEqual([]);
    r.setBackendHealth(A, true, 302);
    r.updateBackend(A, emptySnapshot(10_000), 302);
    expect(r.tick(303).restored.map((x) => x.programId)).toContain("big");
  });
});
