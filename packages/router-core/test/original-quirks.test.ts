/**
 * The original's observable behaviours that ORIGINAL_THUNDERAGENT_OPTIONS reproduces (each found
 * by the conformance replay, apps/conformance), against router-core's defaults.
 */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_ROUTER_OPTIONS,
  emptySnapshot,
  ORIGINAL_THUNDERAGENT_OPTIONS,
  Router,
} from "../src/index.js";
import { A, actStep, B, nextId, usage } from "./helpers.js";

const original = () => ({ ...ORIGINAL_THUNDERAGENT_OPTIONS });

function withCapacities(opts: typeof DEFAULT_ROUTER_OPTIONS, caps: number[]): Router {
  const backends = [A, B].slice(0, caps.length);
  const r = new Router({ ...opts }, backends);
  backends.forEach((url, i) => r.updateBackend(url, emptySnapshot(caps[i]!), 0));
  return r;
}

function waitFor(r: Router, pid: string, tokens: number, now: number): string {
  const id = nextId();
  expect(r.arrive({ requestId: id, programId: pid, payloadChars: tokens * 5 }, now).kind).toBe(
    "wait",
  );
  return id;
}

describe("ORIGINAL_THUNDERAGENT_OPTIONS quirks", () => {
  it("reads a backend's capacity once: a later num_gpu_blocks change is ignored", () => {
    const r = withCapacities(original(), [6400]);
    actStep(r, "p1", 2000, 0);
    actStep(r, "p2", 2500, 0);
    r.updateBackend(A, emptySnapshot(2400), 1);
    expect(r.tick(2).paused).toEqual([]);
    expect(r.stats().backends[0]!.capacity).toBe(6400);
    // The defaults read every scrape: the same shrink pauses the smaller acting program.
    const d = withCapacities(DEFAULT_ROUTER_OPTIONS, [6400]);
    actStep(d, "p1", 2000, 0);
    actStep(d, "p2", 2500, 0);
    d.updateBackend(A, emptySnapshot(2400), 1);
    expect(d.tick(2).paused).toEqual(["p1", "p2"]);
  });

  it("keeps the original's future_paused_tokens counter: mark-time tokens in, end-time out", () => {
    const r = withCapacities(original(), [1200]);
    const ids = ["p1", "p2"].map((pid, i) => {
      const id = nextId();
      r.arrive({ requestId: id, programId: pid, payloadChars: (400 + 100 * i) * 5 }, 0);
      r.forwarded(id, 0);
      return id;
    });
    // p1 streams 120 chunks (+120 tokens): 520 + 500 + 200 > 1200, both reasoning programs marked.
    for (let i = 0; i < 120; i++) r.streamChunk(ids[0]!, 0.5);
    expect(r.tick(1).marked).toEqual(["p2", "p1"]);
    expect(r.healthView().per_backend[A]!.future_paused_tokens).toBe(1020);
    // p1 ends with 700 tokens and pauses: the counter drops by 700, not by the 520 marked.
    r.complete(ids[0]!, usage(700), 2);
    expect(r.healthView().per_backend[A]!.future_paused_tokens).toBe(320);
    r.complete(ids[1]!, usage(600), 3);
    expect(r.healthView().per_backend[A]!.future_paused_tokens).toBe(0);
  });

  it("sends a released program's waiting request to the first backend", () => {
    for (const [opts, expected] of [
      [original(), A],
      [{ ...DEFAULT_ROUTER_OPTIONS, bufferPerProgram: 100 }, B],
    ] as const) {
      const r = withCapacities(opts, [1600, 1600]);
      actStep(r, "a", 100, 0); // A
      actStep(r, "b", 200, 0); // B (fewer active tokens)
      actStep(r, "c", 50, 0); // A again: A holds two programs, B one
      const id = waitFor(r, "n", 2000, 1);
      const res = r.release("n", 2);
      expect(res.resumed).toEqual([
        { requestId: id, programId: "n", backend: expected, forced: false },
      ]);
    }
  });

  it("forces a paused program back to the backend it was paused from", () => {
    const r = new Router({ ...original(), forceResumeAfterS: 10 }, [A, B]);
    r.updateBackend(A, emptySnapshot(3000), 0);
    r.updateBackend(B, emptySnapshot(3000), 0);
    actStep(r, "p1", 1000, 0); // A
    actStep(r, "p2", 1500, 0); // B
    actStep(r, "p3", 1200, 0); // A (fewest active tokens)
    // p1's next request is estimated big: A over capacity, p3 (acting, smallest... of A) paused.
    const big = nextId();
    r.arrive({ requestId: big, programId: "p1", payloadChars: 2500 * 5 }, 1);
    expect(r.tick(2).paused).toEqual(["p3"]);
    const id = waitFor(r, "p3", 2600, 3);
    // Nothing fits; after 10 s p3 is forced back to A (its origin), not to the emptier B.
    const t = r.tick(14);
    expect(t.resumed).toEqual([{ requestId: id, programId: "p3", backend: A, forced: true }]);
  });
});
