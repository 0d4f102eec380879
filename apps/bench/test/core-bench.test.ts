import { describe, expect, it } from "vitest";
import { runThroughputBench } from "../src/core/throughput-bench.js";
import { runTickBench, runTickBenchReplayed } from "../src/core/tick-bench.js";
import { summarize } from "../src/core/stats.js";

describe("bench:core harness (behaviour, not timing)", () => {
  const small = { programs: 400, backends: 4, ticks: 6, churnPerTick: 50, seed: 7 };

  it("the tick bench is deterministic, so replays can be combined per tick", () => {
    const a = runTickBench({ ...small, swing: 0.1 });
    const b = runTickBench({ ...small, swing: 0.1 });
    expect(a.work).toEqual(b.work);
    expect(a.programs).toBe(400);
    expect(a.busyMs).toHaveLength(6);
    expect(a.work.paused + a.work.restored).toBeGreaterThan(0);
    const r = runTickBenchReplayed({ ...small, swing: 0.1 }, 2);
    expect(r.work).toEqual(a.work);
    expect(r.busy.n).toBe(6);
  });

  it("the throughput bench runs whole steps without waiting", () => {
    const t = runThroughputBench(2000, 1);
    expect(t.pairs).toBe(2000);
    expect(t.pairsPerSecond).toBeGreaterThan(0);
  });

  it("summarize gives nearest-rank percentiles", () => {
    const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(s).toEqual({ n: 100, mean: 50.5, p50: 50, p99: 99, max: 100 });
  });
});
