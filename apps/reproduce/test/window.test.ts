import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeStepProfileCsv } from "@thunderagent/protocol";
import { describe, expect, it } from "vitest";
import { countWindow } from "../src/window.js";

const csv = readFileSync(join(import.meta.dirname, "fixtures", "step_profiles.csv"), "utf8");
const rows = decodeStepProfileCsv(csv);
const steps = rows.map((r) => ({ completedAt: r.completed_at, kvHitRate: r.kv_hit_rate }));
const T0 = 1_700_000_000;

describe("steps/min over the window", () => {
  it("counts the known CSV: minutes 10–70 after start", () => {
    // The fixture: one row at each of minutes 0.5, 5, 9.99, 10, 10.5, 30, 69.99, 70, 80 after T0,
    // plus one before the start.
    const c = countWindow(steps, T0, { startMin: 10, endMin: 70 });
    expect(c.totalSteps).toBe(10);
    expect(c.stepsCounted).toBe(4); // 10, 10.5, 30, 69.99: start inclusive, end exclusive
    expect(c.stepsPerMin).toBeCloseTo(4 / 60, 10);
    expect(c.series.length).toBe(81);
    expect(c.series[0]).toBe(1);
    expect(c.series[9]).toBe(1);
    expect(c.series[10]).toBe(2);
    expect(c.series[69]).toBe(1);
    expect(c.series[70]).toBe(1);
    expect(c.series.reduce((a, b) => a + b, 0)).toBe(9); // the row before T0 is in no minute
    expect(c.kvHitRate).toBeCloseTo((0.5 + 1.0 + 0.75) / 3, 10); // one in-window row has no rate
  });

  it("honours another window (--window 0:10)", () => {
    const c = countWindow(steps, T0, { startMin: 0, endMin: 10 });
    expect(c.stepsCounted).toBe(3);
    expect(c.stepsPerMin).toBeCloseTo(0.3, 10);
  });

  it("scales minutes for simulated runs (a minute of 1.5 real seconds)", () => {
    const sim = [0.2, 14.9, 15.0, 30, 104.9, 105, 200].map((s) => ({ completedAt: T0 + s }));
    const c = countWindow(sim, T0, { startMin: 10, endMin: 70 }, 1.5);
    expect(c.stepsCounted).toBe(3); // 15.0 (min 10), 30 (min 20), 104.9 (min 69.93)
    expect(c.stepsPerMin).toBeCloseTo(3 / 60, 10);
    expect(c.series.length).toBe(134);
  });

  it("weights the hit rate by tokens when trajectories give token counts", () => {
    const t = [
      { completedAt: T0 + 700, promptTokens: 1000, cachedTokens: 900 },
      { completedAt: T0 + 800, promptTokens: 3000, cachedTokens: 300 },
    ];
    expect(countWindow(t, T0, { startMin: 10, endMin: 70 }).kvHitRate).toBeCloseTo(1200 / 4000, 10);
  });

  it("has no steps and no hit rate on an empty run", () => {
    const c = countWindow([], T0, { startMin: 10, endMin: 70 });
    expect(c).toMatchObject({ stepsCounted: 0, stepsPerMin: 0, totalSteps: 0, kvHitRate: null });
    expect(c.series.length).toBe(70);
  });

  it("rejects an empty window", () => {
    expect(() => countWindow([], T0, { startMin: 5, endMin: 5 })).toThrow(/end/);
  });
});
