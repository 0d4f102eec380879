/**
 * Option 2, bounded waiting: `restoreBoostAfterS` puts programs paused that long ahead of every
 * restore priority group; `forceResumeAfterS` is the backstop; RouterStats reports the longest
 * current wait of a request and pause of a program.
 */
import { describe, expect, it } from "vitest";
import { emptySnapshot, type RouterOptions } from "../src/index.js";
import { A, actStep, makeRouter, startRequest } from "./helpers.js";

/**
 * "big" (2000 tokens, acting after two steps: the lowest restore group) is paused at t = 1;
 * "small", a new program of 1500 tokens (a higher group), arrives at t = 30 and waits behind it.
 * At t = 60 A has room for one of them only (2200: big needs 2100, small 1600).
 */
function twoPaused(opts: Partial<RouterOptions>) {
  const r = makeRouter([A], [100_000], opts);
  actStep(r, "big", 2000, 0);
  actStep(r, "big", 2000, 0);
  r.updateBackend(A, emptySnapshot(100, 1), 0.5);
  expect(r.tick(1).paused).toEqual(["big"]);
  expect(startRequest(r, "small", 1500, 30).decision).toEqual({ kind: "wait" });
  r.updateBackend(A, emptySnapshot(2200, 1), 60);
  return r;
}

describe("bounded waiting", () => {
  it("without a boost a waiting program goes first, however long others were paused", () => {
    const r = twoPaused({});
    expect(r.tick(61).restored).toEqual([{ programId: "small", backend: A, from: null }]);
    expect(r.program("big")!.state).toBe("paused");
  });

  it("restoreBoostAfterS puts a program paused that long ahead of every group", () => {
    const r = twoPaused({ restoreBoostAfterS: 60 });
    // big was paused at t = 1: at t = 61 it has waited 60 s and goes first (small: 31 s).
    expect(r.tick(61).restored).toEqual([{ programId: "big", backend: A, from: A }]);
    expect(r.program("small")!.state).toBe("paused");
  });

  it("a boost not yet due changes nothing", () => {
    const r = twoPaused({ restoreBoostAfterS: 61 });
    expect(r.tick(61).restored).toEqual([{ programId: "small", backend: A, from: null }]);
  });

  it("boosted programs go in pause order, longest paused first", () => {
    // At t = 70 both are boosted (paused 69 s and 40 s): big, paused first, goes first,
    // although small is smaller and in a higher group.
    const r = twoPaused({ restoreBoostAfterS: 10 });
    expect(r.tick(70).restored).toEqual([{ programId: "big", backend: A, from: A }]);
  });

  it("reports the longest current wait and pause, at a given time or the last tick", () => {
    const r = twoPaused({});
    // small's request waits since t = 30; big is paused since t = 1.
    expect(r.stats(70)).toMatchObject({ longestWaitS: 40, longestPausedS: 69 });
    r.tick(61); // small restored: its request goes; big is still paused
    expect(r.stats()).toMatchObject({ longestWaitS: 0, longestPausedS: 60 });
    expect(r.stats(100)).toMatchObject({ longestWaitS: 0, longestPausedS: 99 });
  });

  it("forces a waiting request through after forceResumeAfterS, capacity ignored", () => {
    const r = twoPaused({ forceResumeAfterS: 300 });
    r.updateBackend(A, emptySnapshot(100, 1), 60);
    expect(r.tick(329).resumed).toEqual([]);
    const t = r.tick(330); // small's request waited 300 s
    expect(t.resumed).toEqual([
      { requestId: expect.any(String), programId: "small", backend: A, forced: true },
    ]);
    expect(r.stats()).toMatchObject({ forcedResumes: 1, longestWaitS: 0 });
  });
});
