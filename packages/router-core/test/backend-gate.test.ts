/**
 * Options 4 and 5, the backend gate: no admissions or restores onto a backend that queues
 * requests (`gateQueuedBackends`) or whose KV-usage signal is above `kvLowWatermark`.
 */
import { describe, expect, it } from "vitest";
import { type BackendSnapshot, emptySnapshot, type RouterOptions } from "../src/index.js";
import { A, actStep, B, makeRouter, startRequest } from "./helpers.js";

const queued = (cap: number, waiting: number): BackendSnapshot => ({
  ...emptySnapshot(cap, 1),
  numRequestsWaiting: waiting,
});

function twoBackends(opts: Partial<RouterOptions>) {
  return makeRouter([A, B], [10_000, 10_000], { sharedCredit: "never", ...opts });
}

describe("queued-backend gate", () => {
  it("admits onto a backend with requests waiting unless gated (the original admits)", () => {
    for (const [gate, backend] of [
      [false, A],
      [true, B],
    ] as const) {
      const r = twoBackends({ gateQueuedBackends: gate });
      r.updateBackend(A, queued(10_000, 3), 0);
      r.updateBackend(B, queued(10_000, 0), 0);
      // Both empty: the tie goes to A, unless A is gated.
      expect(startRequest(r, "n", 1000, 1).decision).toEqual({ kind: "forward", backend });
    }
  });

  it("queues a new program when every backend queues, and restores it once one stops", () => {
    const r = twoBackends({ gateQueuedBackends: true });
    r.updateBackend(A, queued(10_000, 1), 0);
    r.updateBackend(B, queued(10_000, 2), 0);
    expect(startRequest(r, "n", 1000, 1).decision).toEqual({ kind: "wait" });
    expect(r.tick(2).restored).toEqual([]);
    r.updateBackend(B, queued(10_000, 0), 3);
    expect(r.tick(3).restored).toEqual([{ programId: "n", backend: B, from: null }]);
  });

  it("restores elsewhere than a queueing backend even when it has the most room", () => {
    const r = twoBackends({ gateQueuedBackends: true });
    r.setBackendHealth(B, false, 0);
    actStep(r, "p", 2000, 0);
    r.setBackendHealth(B, true, 0);
    r.updateBackend(A, queued(1000, 0), 1);
    expect(r.tick(1).paused).toEqual(["p"]);
    r.updateBackend(A, queued(10_000, 4), 2);
    r.updateBackend(B, queued(3000, 0), 2);
    expect(r.tick(2).restored).toEqual([{ programId: "p", backend: B, from: A }]);
  });
});

describe("KV low watermark gate", () => {
  it("admits nowhere above the low watermark, and again once at or below it", () => {
    const r = twoBackends({ kvHighWatermark: 0.95, kvLowWatermark: 0.85 });
    r.updateBackend(A, emptySnapshot(10_000, 0.9), 0); // between the watermarks
    r.updateBackend(B, emptySnapshot(10_000, 0.86), 0);
    const first = startRequest(r, "n", 1000, 1);
    expect(first.decision).toEqual({ kind: "wait" });
    expect(r.tick(1)).toMatchObject({ restored: [], marked: [] }); // hysteresis band
    r.updateBackend(B, emptySnapshot(10_000, 0.85), 2);
    expect(r.tick(2).restored).toEqual([{ programId: "n", backend: B, from: null }]);
  });

  it("admits by tokens alone without a low watermark (the original)", () => {
    const r = twoBackends({});
    r.updateBackend(A, emptySnapshot(10_000, 0.99), 0);
    expect(startRequest(r, "n", 1000, 1).decision).toEqual({ kind: "forward", backend: A });
  });
});
