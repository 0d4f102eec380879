/**
 * Option 3, idle lease: an acting program whose last response ended `actingLeaseS` ago stops
 * counting its tokens as reserved on its backend until its next request.
 */
import { describe, expect, it } from "vitest";
import { emptySnapshot } from "../src/index.js";
import { A, actStep, makeRouter, startRequest, usage } from "./helpers.js";

const usedOnA = (r: ReturnType<typeof makeRouter>) => r.stats().backends[0]!.used;

describe("acting lease", () => {
  it("frees an idle acting program's tokens after actingLeaseS, counted once", () => {
    const r = makeRouter([A], [5000], { actingLeaseS: 60, sharedCredit: "never" });
    actStep(r, "p1", 3000, 0); // acting since t = 0
    r.tick(59.9);
    expect(usedOnA(r)).toBe(3100);
    expect(r.stats().leaseExpiries).toBe(0);
    r.tick(60);
    expect(usedOnA(r)).toBe(0); // neither its tokens nor its buffer: p1 is still registered
    expect(r.stats()).toMatchObject({ leaseExpiries: 1 });
    expect(r.stats().backends[0]!.actingTokens).toBe(0);
    expect(r.program("p1")).toMatchObject({
      state: "active",
      status: "acting",
      leaseExpired: true,
    });
    r.tick(200);
    expect(r.stats().leaseExpiries).toBe(1);
  });

  it("gives the freed capacity to others; the next request reserves the tokens again", () => {
    const r = makeRouter([A], [5000], { actingLeaseS: 60, sharedCredit: "never" });
    actStep(r, "p1", 3000, 0);
    // Before the lease expires a new 3000-token program has no room (3100 + 3100 > 5000).
    expect(startRequest(r, "p2", 3000, 10).decision).toEqual({ kind: "wait" });
    r.tick(60); // lease expires first, then the restore pass finds room for p2
    expect(r.program("p2")).toMatchObject({ state: "active", backend: A });
    expect(usedOnA(r)).toBe(3100); // p2's 3000 + its buffer; p1 holds nothing
    // p1 comes back: its tokens count again (3300 + 3100 > 5000) and the tick rebalances.
    const back = startRequest(r, "p1", 3300, 70);
    expect(back.decision).toEqual({ kind: "forward", backend: A });
    expect(r.program("p1")!.leaseExpired).toBe(false);
    expect(usedOnA(r)).toBe(6500);
    r.complete(back.id, usage(3300), 71);
    expect(r.tick(72).paused).toEqual(["p1"]);
  });

  it("never expires without a lease (the original)", () => {
    const r = makeRouter([A], [5000]);
    actStep(r, "p1", 3000, 0);
    r.tick(1000);
    expect(usedOnA(r)).toBe(3100);
    expect(r.stats().leaseExpiries).toBe(0);
  });

  it("expires a paused acting program's lease too: restored, it reserves nothing", () => {
    const r = makeRouter([A], [5000], { actingLeaseS: 60, sharedCredit: "never" });
    actStep(r, "p1", 3000, 0);
    r.updateBackend(A, emptySnapshot(1000, 1), 1);
    expect(r.tick(1).paused).toEqual(["p1"]);
    r.tick(60); // A still too small for 3100
    expect(r.program("p1")).toMatchObject({ state: "active", backend: A, leaseExpired: true });
    expect(usedOnA(r)).toBe(0);
  });
});

describe("acting lease scaled by the program's own tool time", () => {
  it("keeps a program whose tools run long through its usual tool time, then expires it", () => {
    const r = makeRouter([A], [50_000], {
      actingLeaseS: 15,
      actingLeaseToolFactor: 3,
      sharedCredit: "never",
    });
    actStep(r, "p1", 3000, 0); // acting from t = 0
    const id = startRequest(r, "p1", 3100, 20).id; // a 20 s tool call
    r.complete(id, usage(3100), 21); // acting from t = 21; lease max(15, 3 × 20) = 60 s
    expect(r.program("p1")).toMatchObject({ toolTimeS: 20 });
    r.tick(21 + 59);
    expect(r.program("p1")!.leaseExpired).toBe(false);
    r.tick(21 + 60);
    expect(r.program("p1")!.leaseExpired).toBe(true);
  });

  it("without the factor the fixed lease applies whatever the tool time", () => {
    const r = makeRouter([A], [50_000], { actingLeaseS: 15, sharedCredit: "never" });
    actStep(r, "p1", 3000, 0);
    const id = startRequest(r, "p1", 3100, 20).id;
    r.complete(id, usage(3100), 21);
    r.tick(21 + 15);
    expect(r.program("p1")!.leaseExpired).toBe(true);
  });
});
