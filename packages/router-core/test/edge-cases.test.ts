import { describe, expect, it } from "vitest";
import { emptySnapshot } from "../src/index.js";
import { A, B, actStep, makeRouter, startRequest, usage } from "./helpers.js";

describe("edge cases of the request lifecycle", () => {
  it("a marked program whose request fails pauses too (nothing is in flight any more)", () => {
    const r = makeRouter([A], [100_000]);
    const req = startRequest(r, "p", 1000, 0);
    r.updateBackend(A, emptySnapshot(500, 1), 1);
    expect(r.tick(1).marked).toEqual(["p"]);
    r.fail(req.id, 2);
    expect(r.program("p")).toMatchObject({
      state: "paused",
      status: "acting",
      markedForPause: false,
    });
    expect(r.stats().failedRequests).toBe(1);
  });

  it("complete() or fail() on a waiting request cancels it; cancelPending() on one in flight fails it", () => {
    const r = makeRouter([A], [150]);
    const first = startRequest(r, "p1", 40, 0);
    const waiting = startRequest(r, "p2", 40, 0);
    expect(waiting.decision.kind).toBe("wait");
    expect(r.complete(waiting.id, usage(10), 1)).toBeNull();
    expect(r.program("p2")).toMatchObject({ pendingRequests: 0, state: "paused", totalTokens: 40 });
    r.cancelPending(first.id, 2);
    expect(r.program("p1")).toMatchObject({ inFlight: 0, status: "acting" });
    expect(r.stats()).toMatchObject({
      failedRequests: 1,
      completedRequests: 0,
      pendingRequests: 0,
    });
  });

  it("rejects a request id that is still in use, and ignores unknown backends and ids", () => {
    const r = makeRouter([A], [null]);
    startRequest(r, "p", 10, 0, "same");
    expect(() => startRequest(r, "q", 10, 0, "same")).toThrow(/already in use/);
    r.updateBackend("http://nowhere", emptySnapshot(1), 0);
    r.setBackendHealth("http://nowhere", false, 0);
    r.forwarded("nope", 0);
    r.firstToken("nope", 0);
    r.streamChunk("nope", 0);
    r.fail("nope", 0);
    r.cancelPending("nope", 0);
    expect(r.complete("nope", usage(1), 0)).toBeNull();
    expect(r.healthView().backends).toEqual([A]);
  });

  it("a waited request's profile row counts the wait as pause time", () => {
    const r = makeRouter([A], [150], { profile: true });
    startRequest(r, "p1", 40, 0);
    const w = startRequest(r, "p2", 40, 10);
    r.release("p1", 20);
    const t = r.tick(25);
    expect(t.resumed).toEqual([{ requestId: w.id, programId: "p2", backend: A, forced: false }]);
    r.forwarded(w.id, 25.5);
    const row = r.complete(w.id, usage(50, 40), 27);
    expect(row).toMatchObject({ step_id: 1, pause_s: 15.5, prefill_s: 1.5, decode_s: 0 });
    expect(r.stats().pauseTimeHistogram).toMatchObject({ count: 1, sum: 15 });
  });

  it("a backend that recovers takes new programs again", () => {
    const r = makeRouter([A, B], [10_000, 10_000]);
    r.setBackendHealth(A, false, 0);
    expect(actStep(r, "p1", 100, 0)).toBe(B);
    r.setBackendHealth(A, true, 1);
    expect(actStep(r, "p2", 100, 1)).toBe(A); // fewest active tokens
    expect(r.healthView().per_backend[A]!.total).toBe(1);
  });

  it("a paused new program waits even when a backend has room, until the tick (fairness)", () => {
    const r = makeRouter([A], [150]);
    startRequest(r, "p1", 40, 0);
    expect(startRequest(r, "p2", 40, 0).decision.kind).toBe("wait");
    r.updateBackend(A, emptySnapshot(10_000, 1), 1);
    // Room now, but p2 waits in the queue: p3 must queue behind it.
    expect(startRequest(r, "p3", 40, 1).decision.kind).toBe("wait");
    const t = r.tick(2);
    expect(t.restored.map((x) => x.programId).sort()).toEqual(["p2", "p3"]);
    expect(startRequest(r, "p4", 40, 3).decision).toEqual({ kind: "forward", backend: A });
  });
});
