import { describe, expect, it } from "vitest";
import { StepProfileRow } from "@thunderagent/protocol";
import { emptySnapshot } from "../src/index.js";
import { A, B, actStep, makeRouter, startRequest, usage } from "./helpers.js";

describe("requests in flight", () => {
  it("a program is acting only when none of its requests is in flight (client retries)", () => {
    const r = makeRouter([A], [null]);
    const first = startRequest(r, "p", 100, 0);
    const retry = startRequest(r, "p", 100, 1);
    expect(retry.decision).toEqual({ kind: "forward", backend: A });
    expect(r.program("p")).toMatchObject({ inFlight: 2, status: "reasoning", stepCount: 2 });
    r.fail(first.id, 2);
    expect(r.program("p")).toMatchObject({ inFlight: 1, status: "reasoning" });
    r.complete(retry.id, usage(150, 100), 3);
    expect(r.program("p")).toMatchObject({
      inFlight: 0,
      status: "acting",
      actingSince: 3,
      totalTokens: 150,
    });
    expect(r.healthView().per_backend[A]).toMatchObject({ total: 1, reasoning: 0, acting: 1 });
    // Late or duplicate completions are ignored.
    r.complete(retry.id, usage(999), 4);
    expect(r.program("p")!.totalTokens).toBe(150);
  });

  it("a marked program with two requests in flight pauses when the last one ends", () => {
    const r = makeRouter([A], [100_000]);
    const a = startRequest(r, "p", 1000, 0);
    const b = startRequest(r, "p", 1000, 0);
    r.updateBackend(A, emptySnapshot(500, 1), 1);
    expect(r.tick(1).marked).toEqual(["p"]);
    r.complete(a.id, usage(1100, 1000), 2);
    expect(r.program("p")).toMatchObject({ state: "active", markedForPause: true });
    r.complete(b.id, usage(1100, 1000), 3);
    expect(r.program("p")).toMatchObject({
      state: "paused",
      markedForPause: false,
      originBackend: A,
    });
    expect(r.stats().pauses).toBe(1);
  });
});

describe("waiting", () => {
  it("cancelPending removes the waiting request; the program stays queued, now acting", () => {
    const r = makeRouter([A], [150]);
    startRequest(r, "p1", 40, 0); // 140 ≤ 150: admitted
    const w = startRequest(r, "p2", 40, 0);
    expect(w.decision.kind).toBe("wait");
    expect(r.stats()).toMatchObject({ pendingRequests: 1, queueLength: 1 });
    r.cancelPending(w.id, 1);
    expect(r.stats()).toMatchObject({ pendingRequests: 0, queueLength: 1 });
    expect(r.program("p2")).toMatchObject({
      status: "acting",
      state: "paused",
      pendingRequests: 0,
    });
  });

  it("forces a waiting request through after forceResumeAfterS to the least-loaded backend", () => {
    const r = makeRouter([A, B], [150, 150], { forceResumeAfterS: 1800 });
    startRequest(r, "p1", 40, 0); // A: 40 + 100 ≤ 150
    startRequest(r, "p2", 40, 0); // B (A has 10 left)
    startRequest(r, "p3", 40, 0); // neither has 140 left: waits
    const w = startRequest(r, "p4", 40, 0);
    expect(w.decision.kind).toBe("wait");
    expect(r.tick(1799.9).resumed).toEqual([]);
    const t = r.tick(1800);
    // p3 was queued first (it also waited): both are forced; A and B hold one program each, so
    // p3 → A (list order), then p4 → B.
    expect(t.resumed).toEqual([
      { requestId: expect.any(String), programId: "p3", backend: A, forced: true },
      { requestId: w.id, programId: "p4", backend: B, forced: true },
    ]);
    expect(r.stats().forcedResumes).toBe(2);
    expect(r.stats().pauseTimeHistogram).toMatchObject({ count: 2, sum: 3600 });
  });
});

describe("release and reclaim", () => {
  it("release frees tool resources, wakes waiters, and is idempotent", () => {
    const r = makeRouter([A], [150]);
    r.arrive({ requestId: "x", programId: "p1", payloadChars: 200, dockerIds: ["d1"] }, 0);
    r.arrive({ requestId: "y", programId: "p2", payloadChars: 200, dockerIds: ["d2", "d3"] }, 0);
    expect(r.program("p2")!.state).toBe("paused");
    const rel = r.release("p2", 1);
    expect(rel).toEqual({
      released: true,
      dockerIds: ["d2", "d3"],
      resumed: [{ requestId: "y", programId: "p2", backend: A, forced: false }],
    });
    expect(r.release("p2", 2)).toEqual({ released: false, dockerIds: [], resumed: [] });
    expect(r.release("never-seen", 2).released).toBe(false);
    expect(r.stats()).toMatchObject({ queueLength: 0, pendingRequests: 0, released: 1 });
    // The orphan request completing later changes nothing.
    r.complete("y", usage(10), 3);
    expect(r.program("p2")).toBeUndefined();
    // p1 is released with its request in flight: the backend forgets it at once.
    expect(r.release("p1", 4).dockerIds).toEqual(["d1"]);
    expect(r.healthView().per_backend[A]!.total).toBe(0);
    r.complete("x", usage(10), 5);
    expect(r.programsView()).toEqual({});
  });

  it("reclaims a program idle for abandonAfterS like a release, with its docker ids", () => {
    const r = makeRouter([A], [null], { abandonAfterS: 1800 });
    r.arrive({ requestId: "1", programId: "gone", payloadChars: 100, dockerIds: ["sandbox-1"] }, 0);
    r.complete("1", usage(30), 10);
    const busy = startRequest(r, "busy", 10, 5); // in flight for ever: never reclaimed
    expect(r.tick(1809).reclaimed).toEqual([]);
    const t = r.tick(1810);
    expect(t.reclaimed).toEqual([{ programId: "gone", dockerIds: ["sandbox-1"] }]);
    expect(r.program("gone")).toBeUndefined();
    expect(r.program("busy")).toBeDefined();
    expect(r.release("gone", 1811).released).toBe(false);
    expect(r.stats().reclaimed).toBe(1);
    r.complete(busy.id, usage(20), 1900);
  });
});

describe("backend health", () => {
  it("tr: an unhealthy backend's programs are queued and restored elsewhere; it gets no new work", () => {
    const r = makeRouter([A, B], [10_000, 10_000]);
    expect(actStep(r, "p1", 1000, 0)).toBe(A);
    expect(actStep(r, "p2", 1000, 0)).toBe(B);
    const inflight = startRequest(r, "p3", 500, 0); // A (fewest active tokens: tie → A)
    expect(inflight.decision).toEqual({ kind: "forward", backend: A });
    r.setBackendHealth(A, false, 1);
    expect(r.program("p1")).toMatchObject({ state: "paused", originBackend: A });
    expect(r.program("p3")).toMatchObject({ state: "paused", status: "reasoning" });
    expect(r.healthView().per_backend[A]).toMatchObject({ total: 0, paused: 2 });
    const t = r.tick(2);
    // Both new (step 1), largest first onto B (the only healthy backend).
    expect(t.restored).toEqual([
      { programId: "p1", backend: B, from: A },
      { programId: "p3", backend: B, from: A },
    ]);
    // The request that was in flight on A fails; p3 becomes acting on B.
    r.fail(inflight.id, 3);
    expect(r.program("p3")).toMatchObject({
      state: "active",
      status: "acting",
      backend: B,
      inFlight: 0,
    });
    // New programs avoid A.
    expect(startRequest(r, "p4", 10, 4).decision).toEqual({ kind: "forward", backend: B });
  });

  it("default: programs of an unhealthy backend are re-assigned at their next request", () => {
    const r = makeRouter([A, B], [null, null], { mode: "default" });
    expect(actStep(r, "p1", 100, 0)).toBe(A);
    r.setBackendHealth(A, false, 1);
    expect(r.programsView()["p1"]!.backend).toBeNull();
    expect(actStep(r, "p1", 100, 2)).toBe(B);
  });
});

describe("profile", () => {
  it("complete() returns a step row with tool, pause, prefill, decode and KV hit rate", () => {
    const r = makeRouter([A], [null], { profile: true });
    r.arrive({ requestId: "1", programId: "p", payloadChars: 500 }, 100);
    r.forwarded("1", 100.5);
    r.firstToken("1", 101);
    const row1 = r.complete("1", usage(300, 100, 25), 103);
    expect(StepProfileRow.parse(row1)).toEqual({
      program_id: "p",
      step_id: 1,
      prefill_s: 0.5,
      decode_s: 2,
      pause_s: 0.5,
      tool_call_s: 0,
      prompt_tokens: 100,
      completion_tokens: 200,
      cached_tokens: 25,
      kv_hit_rate: 0.25,
      completed_at: 103,
    });
    r.arrive({ requestId: "2", programId: "p", payloadChars: 500 }, 107);
    r.forwarded("2", 107);
    const row2 = r.complete("2", usage(300, 100), 108);
    expect(row2).toMatchObject({
      step_id: 2,
      tool_call_s: 4,
      prefill_s: 1,
      decode_s: 0,
      cached_tokens: null,
      kv_hit_rate: null,
    });
    expect(r.profileView("p")).toEqual({
      step_count: 2,
      avg_prefill_s: 0.75,
      avg_decode_s: 1,
      avg_pause_s: 0.25,
      avg_tool_call_s: 2,
      avg_kv_hit_rate: 0.25,
      avg_prompt_tokens: 100,
      avg_completion_tokens: 200,
      avg_cached_tokens: 25,
    });
    expect(r.profileView("nobody")).toBeUndefined();
  });

  it("returns no row without --profile", () => {
    const r = makeRouter([A], [null]);
    r.arrive({ requestId: "1", programId: "p", payloadChars: 5 }, 0);
    expect(r.complete("1", usage(3), 1)).toBeNull();
    expect(r.profilesView()).toEqual({});
  });
});
