import { describe, expect, it } from "vitest";
import { A, B, makeRouter, step, usage } from "./helpers.js";

describe("tr admission of new programs", () => {
  it("goes to the backend with the fewest active tokens that fits", () => {
    const r = makeRouter([A, B], [10_000, 10_000]);
    // 5000 chars / 5.0 chars per token = 1000 tokens.
    expect(r.arrive({ requestId: "1", programId: "p1", payloadChars: 5000 }, 0)).toEqual({
      kind: "forward",
      backend: A,
    });
    // A holds 1000 reasoning tokens, B none: B.
    expect(r.arrive({ requestId: "2", programId: "p2", payloadChars: 5000 }, 0)).toEqual({
      kind: "forward",
      backend: B,
    });
    expect(r.program("p1")).toMatchObject({ status: "reasoning", totalTokens: 1000, inFlight: 1 });
  });

  it("queues a new program when no backend has room (tokens + 100 buffer)", () => {
    const r = makeRouter([A], [1100]);
    // 1000 tokens + 100 buffer = 1100 ≤ 1100: admitted.
    expect(r.arrive({ requestId: "1", programId: "p1", payloadChars: 5000 }, 0).kind).toBe(
      "forward",
    );
    // remaining = 1100 − (1000 + 100) = 0 < 5 + 100: queued.
    expect(r.arrive({ requestId: "2", programId: "p2", payloadChars: 25 }, 0)).toEqual({
      kind: "wait",
    });
    expect(r.program("p2")).toMatchObject({
      state: "paused",
      originBackend: null,
      pendingRequests: 1,
    });
  });

  it("queues a new program whenever somebody already waits (fairness)", () => {
    const r = makeRouter([A, B], [1100, 100_000]);
    r.setBackendHealth(B, false, 0);
    r.arrive({ requestId: "1", programId: "p1", payloadChars: 5000 }, 0); // A
    expect(r.arrive({ requestId: "2", programId: "big", payloadChars: 5000 }, 0).kind).toBe("wait");
    r.setBackendHealth(B, true, 0);
    // B has 100k tokens of room, but "big" waits: the tiny one queues behind it.
    expect(r.arrive({ requestId: "3", programId: "tiny", payloadChars: 5 }, 0).kind).toBe("wait");
  });
});

describe("default mode", () => {
  it("assigns by program count and never waits", () => {
    const r = makeRouter([A, B], [100, 100], { mode: "default" });
    expect(step(r, "p1", 50_000, 10_000, 0)).toBe(A);
    expect(step(r, "p2", 50_000, 10_000, 0)).toBe(B);
    expect(step(r, "p3", 50_000, 10_000, 0)).toBe(A);
    expect(step(r, "p2", 50_000, 10_000, 1)).toBe(B); // sticky
    const t = r.tick(10);
    expect(t.paused).toEqual([]);
    expect(t.marked).toEqual([]);
    expect(r.healthView().scheduling_enabled).toBe(false);
  });
});

describe("token estimation", () => {
  it("calibrates chars per token: first response sets it, then 0.2·sample + 0.8·old", () => {
    const r = makeRouter([A], [null]);
    r.arrive({ requestId: "1", programId: "p", payloadChars: 4000 }, 0);
    expect(r.program("p")!.totalTokens).toBe(800); // 4000 / 5.0
    r.complete("1", usage(1200, 1000), 1); // sample 4000/1000 = 4.0
    expect(r.charsPerToken).toBe(4);
    expect(r.program("p")!.totalTokens).toBe(1200); // usage.total_tokens
    r.arrive({ requestId: "2", programId: "p", payloadChars: 6000 }, 2);
    expect(r.program("p")!.totalTokens).toBe(1500); // 6000 / 4.0
    r.complete("2", usage(3500, 3000), 3); // sample 2.0 → 0.2·2 + 0.8·4 = 3.6
    expect(r.charsPerToken).toBeCloseTo(3.6, 12);
  });

  it("streaming adds N tokens every N chunks", () => {
    const r = makeRouter([A], [null], { streamUpdateEveryChunks: 20 });
    r.arrive({ requestId: "1", programId: "p", payloadChars: 500 }, 0); // 100 tokens
    for (let i = 0; i < 59; i++) r.streamChunk("1", 0.1);
    expect(r.program("p")!.totalTokens).toBe(140); // 2 updates of 20
    r.streamChunk("1", 0.2);
    expect(r.program("p")!.totalTokens).toBe(160);
    expect(r.healthView().per_backend[A]).toMatchObject({ reasoning: 1 });
    expect(r.stats().backends[0]!.reasoningTokens).toBe(160);
  });
});
