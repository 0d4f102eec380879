/**
 * The dashboard feed against the real Router (pure, in memory): rows, pause counts and events
 * from tick results, releases and view differences; deltas carry only what changed.
 */
import {
  DEFAULT_ROUTER_OPTIONS,
  emptySnapshot,
  Router,
  type RouterOptions,
  type Usage,
} from "@thunderagent/router-core";
import { describe, expect, it } from "vitest";
import { DEFAULT_FEED_OPTIONS, DashboardFeed } from "../../src/dashboard/feed.js";

const A = "http://a:8000";
const B = "http://b:8000";
const usage = (total: number): Usage => ({
  promptTokens: total,
  completionTokens: 0,
  totalTokens: total,
  cachedTokens: null,
});

let n = 0;
function step(r: Router, pid: string, tokens: number, now: number): void {
  const id = `r${++n}`;
  const d = r.arrive({ requestId: id, programId: pid, payloadChars: tokens * 4 }, now);
  if (d.kind !== "forward") throw new Error(`${pid} waits`);
  r.forwarded(id, now);
  r.complete(id, usage(tokens), now);
}

function setup(backends = [A], options: Partial<RouterOptions> = {}) {
  const r = new Router({ ...DEFAULT_ROUTER_OPTIONS, bufferPerProgram: 0, ...options }, backends);
  for (const b of backends) r.updateBackend(b, emptySnapshot(100_000), 0);
  const feed = new DashboardFeed(r, {
    ...DEFAULT_FEED_OPTIONS,
    metricsEnabled: false,
    metricsInterval: null,
  });
  return { r, feed };
}

describe("dashboard feed", () => {
  it("snapshots every program, then deltas name only the changed ones", () => {
    const { r, feed } = setup();
    step(r, "p1", 1000, 1);
    step(r, "p2", 2000, 1);
    const snap = feed.snapshot(2, true);
    expect(snap.programs.map((p) => p.id).sort()).toEqual(["p1", "p2"]);
    expect(snap.programs.find((p) => p.id === "p2")).toMatchObject({
      state: "active",
      status: "acting",
      tokens: 2000,
      backend: A,
      steps: 1,
      pausedSince: null,
      pauses: 0,
    });
    expect(snap.backends[0]).toMatchObject({ url: A, capacity: 100_000, acting: 3000 });
    expect(snap.totals).toMatchObject({ mode: "tr", programs: 2, steps: 2 });

    expect(feed.delta(3)).toMatchObject({ type: "delta", seq: 1, upsert: [], remove: [] });
    step(r, "p1", 1500, 4);
    const d = feed.delta(4);
    expect(d.upsert.map((p) => [p.id, p.tokens, p.steps])).toEqual([["p1", 1500, 2]]);
  });

  it("counts pauses and reports pause, restore and release events", () => {
    const { r, feed } = setup();
    step(r, "p1", 1000, 1);
    step(r, "p2", 2000, 1);
    feed.snapshot(1, true);
    r.updateBackend(A, emptySnapshot(2500), 2);
    const t = r.tick(3);
    expect(t.paused).toEqual(["p1"]);
    feed.observeTick(t, 3);
    const d = feed.delta(3.5);
    expect(d.upsert.find((p) => p.id === "p1")).toMatchObject({
      state: "paused",
      pausedSince: 3,
      pauses: 1,
      backend: A,
    });
    expect(d.events.map((e) => [e.kind, e.program, e.backend])).toEqual([["pause", "p1", A]]);

    feed.observeRelease("p2", 4);
    r.release("p2", 4);
    const t2 = r.tick(5);
    feed.observeTick(t2, 5);
    const d2 = feed.delta(5);
    expect(d2.remove).toEqual(["p2"]);
    expect(d2.upsert.find((p) => p.id === "p1")).toMatchObject({
      state: "active",
      pausedSince: null,
      pauses: 1,
    });
    expect(d2.events.map((e) => [e.kind, e.program])).toEqual([
      ["release", "p2"],
      ["restore", "p1"],
    ]);
  });

  it("names a restore onto another backend a migration, and sees pauses no tick announced", () => {
    // Best fit moves a paused program at the first tick with room elsewhere.
    const { r, feed } = setup([A, B], { resumePlacement: "best-fit" });
    feed.snapshot(0, true);
    step(r, "p1", 1000, 1);
    step(r, "p2", 1000, 1);
    const [on1, on2] = ["p1", "p2"].map((p) => r.programsView()[p]!.backend);
    expect(new Set([on1, on2]).size).toBe(2);
    // p1's backend shrinks: p1 pauses; the other backend has room, so a tick moves it there.
    r.updateBackend(on1!, emptySnapshot(500), 2);
    for (const now of [3, 4]) feed.observeTick(r.tick(now), now);
    const kinds = feed.delta(4).events.map((e) => `${e.kind}:${e.program}`);
    expect(kinds).toContain("pause:p1");
    expect(kinds).toContain("migrate:p1");

    // A program that is paused behind the tick's back (its backend going down) is seen in the view.
    r.setBackendHealth(on2!, false, 5);
    const d = feed.delta(5);
    const paused = d.upsert.filter((p) => p.state === "paused").map((p) => p.id);
    expect(paused.length).toBeGreaterThan(0);
    for (const id of paused) {
      expect(d.events.some((e) => e.kind === "pause" && e.program === id)).toBe(true);
    }
  });

  it("makes a chart point every step, with steps per minute over the window", () => {
    const { r, feed } = setup();
    feed.snapshot(0, true); // the first sample: t = 0, no steps
    for (let t = 5; t <= 60; t += 5) {
      step(r, "p1", 100 + t, t);
      feed.sampleHistory(t);
    }
    const last = feed.snapshot(61, false).history.at(-1)!;
    // 12 steps in the 60 s before t = 60.
    expect(last).toMatchObject({ t: 60, stepsPerMin: 12, paused: 0, kvHitRate: null });
    expect(last.waitP50).toBeNull();
  });

  it("remembers nothing for a delta while no page watches", () => {
    const { r, feed } = setup();
    feed.snapshot(0, true);
    feed.idle();
    step(r, "p1", 1000, 1);
    r.release("p1", 2);
    feed.observeRelease("p1", 2);
    const snap = feed.snapshot(3, true);
    expect(snap.programs).toEqual([]);
    expect(feed.delta(4)).toMatchObject({ upsert: [], remove: [] });
  });
});
