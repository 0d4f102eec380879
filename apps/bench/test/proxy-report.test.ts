import { describe, expect, it } from "vitest";
import { percentile } from "../src/proxy/load.js";
import { medianMeasure } from "../src/proxy/median-measure.js";
import { renderReport, targets, type Measure, type Row } from "../src/proxy/report.js";

const m = (rps: number, p50: number, p99: number): Measure => ({
  rps,
  p50,
  p99,
  cpuUs: 100,
  engineCpuUs: 80,
  clientCpuUs: 40,
  errors: 0,
});

describe("bench:proxy report", () => {
  it("takes nearest-rank percentiles", () => {
    const xs = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(new Float64Array(0), 50)).toBeNaN();
  });

  it("takes each field's median over the rounds, so one stalled run does not decide", () => {
    const med = medianMeasure([m(900, 1.6, 30), m(1000, 1.5, 200), m(950, 9.0, 40)]);
    expect(med).toMatchObject({ rps: 950, p50: 1.6, p99: 40, errors: 0, p99Spread: [30, 200] });
    expect(medianMeasure([m(1, 1, 1), m(3, 3, 3)]).p50).toBe(2);
  });

  it("checks the targets and renders every row", () => {
    const ok: Row = {
      stream: false,
      connections: 64,
      direct: m(1000, 5, 10),
      proxy: m(700, 5.8, 14),
      bare: m(800, 5.5, 12),
    };
    const slow: Row = { ...ok, stream: true, proxy: m(500, 7, 20) };
    expect(targets(ok)).toEqual({ p50: true, p99: true, rps: true });
    expect(targets(slow)).toEqual({ p50: false, p99: false, rps: false });
    const md = renderReport({
      rows: [ok, slow],
      paced: [{ ...ok, rate: 300 }],
      ttfb: [],
      rss: { afterRuns: 150, before: 100, after: 140, programs: 10_000 },
      durationS: 5,
      repeat: 2,
      load: "wrk",
      pinned: true,
      warmupS: 3,
      machine: "test",
      date: "today",
    });
    expect(md).toContain("| non-stream | 64 | 1000 | 700 (70 %) | 800 (80 %) | +0.80 / +4.00 |");
    expect(md).toContain("stream: p50 **missed**");
    expect(md).toContain("with 10000 live programs");
    expect(md).toContain("| non-stream | 64 | 300 | 5.00 / 10.00 | +0.80 / +4.00 |");
  });
});
