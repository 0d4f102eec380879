/** The charts' arithmetic: windowed rates and histogram quantiles (pure). */
import { describe, expect, it } from "vitest";
import { History, quantile, type HistorySample } from "../../src/dashboard/history.js";
import { EventLog } from "../../src/dashboard/event-log.js";
import { StreamTokens } from "../../src/dashboard/stream-tokens.js";

const BOUNDS = [1, 5, 10];

function sample(t: number, over: Partial<HistorySample> = {}): HistorySample {
  return {
    t,
    steps: 0,
    paused: 0,
    prefixHits: 0,
    prefixQueries: 0,
    waitBuckets: BOUNDS,
    waitCounts: [0, 0, 0],
    waitCount: 0,
    ...over,
  };
}

describe("quantile", () => {
  it("interpolates inside the bucket, as histogram_quantile does", () => {
    // 10 observations ≤ 1, 10 more in (1, 5]: the median is the bucket edge, p75 half-way up.
    expect(quantile(0.5, BOUNDS, [10, 20, 20], 20)).toBe(1);
    expect(quantile(0.75, BOUNDS, [10, 20, 20], 20)).toBe(3);
    expect(quantile(0.99, BOUNDS, [10, 20, 20], 25)).toBe(10);
    expect(quantile(0.5, BOUNDS, [0, 0, 0], 0)).toBeNull();
    expect(quantile(0.5, BOUNDS, [-1, 0, 0], 3)).toBeNull();
  });
});

describe("history", () => {
  it("rates over the window before each point, and keeps only the span", () => {
    const h = new History({ stepS: 10, spanS: 30, windowS: 20 });
    expect(h.add(sample(0)).stepsPerMin).toBeNull();
    expect(h.due(5)).toBe(false);
    expect(h.due(10)).toBe(true);
    h.add(sample(10, { steps: 5, prefixQueries: 100, prefixHits: 25 }));
    const p = h.add(
      sample(20, {
        steps: 20,
        paused: 3,
        prefixQueries: 200,
        prefixHits: 125,
        waitCounts: [4, 4, 4],
        waitCount: 4,
      }),
    );
    // 20 steps in 20 s; 125 hits of 200 queries; four waits ≤ 1 s.
    expect(p).toMatchObject({ t: 20, stepsPerMin: 60, paused: 3, kvHitRate: 0.625 });
    expect(p.waitP50).toBe(0.5);
    // Window of 20 s: the point at 30 is rated from the sample at 10.
    expect(h.add(sample(30, { steps: 35 })).stepsPerMin).toBe(90);
    expect(h.points().map((x) => x.t)).toEqual([10, 20, 30]);
    expect(h.added).toBe(4);
  });
});

describe("event log and stream tokens", () => {
  it("keeps the newest events, numbered", () => {
    const log = new EventLog(3);
    for (let i = 0; i < 5; i++) log.push(i, "pause", `p${i}`, null);
    expect(log.recent(10).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(log.since(4).map((e) => e.program)).toEqual(["p4"]);
    expect(log.lastSeq).toBe(5);
  });

  it("issues one-time tokens that expire, at most max at once", () => {
    const tokens = new StreamTokens(30, 2);
    const a = tokens.issue(0)!;
    const b = tokens.issue(0)!;
    expect(tokens.issue(0)).toBeNull();
    expect(tokens.consume(a.token, 10)).toBe(true);
    expect(tokens.consume(a.token, 10)).toBe(false);
    expect(tokens.consume(b.token, 31)).toBe(false);
    expect(tokens.issue(40)).not.toBeNull();
  });
});
