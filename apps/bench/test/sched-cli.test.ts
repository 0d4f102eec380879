import { emptySnapshot } from "@thunderagent/router-core";
import { describe, expect, it } from "vitest";
import { UsageError, parseCli } from "../src/sched/cli.js";
import { VARIANTS, experimentJobs, verdicts } from "../src/sched/experiments.js";
import type { RunRow } from "../src/sched/results.js";
import { aggregate } from "../src/sched/results.js";
import { formatTargets, targetLines } from "../src/sched/report.js";
import { fidelityRows, fidelityTable, formatFidelity } from "../src/sched/fidelity.js";
import { applyScrapePolicy } from "../src/sched/scrape-policy.js";
import { sweepJobs } from "../src/sched/sweeps.js";

function row(n: number, seed: number, spm: number, variant: string | null = null): RunRow {
  return {
    profile: "glm4.6",
    n,
    system: "router-tr",
    backends: 1,
    routing: "global",
    variant,
    seed,
    stepsPerMin: spm,
    kvHitRate: 0.9,
    kvHitRateWindow: 0.88,
    preemptions: 0,
    meanStepS: 1,
    meanPauseS: 0,
    totalPauseS: 0,
    pausedStepShare: 0,
    programsFinished: 1,
    pauses: 0,
    restores: 0,
    migrations: 0,
    stepsPerMinute: [],
    memory: null,
    engineSteps: 1,
    scenario: null,
    systemName: null,
    sloS: 10,
    goodputPerMin: spm,
    goodputShare: 1,
    stepP50S: 1,
    stepP99S: 1,
    longestWaitS: 0,
    programsCounted: 1,
    pauseGini: 0,
    routerPauses: 0,
    resumesMoved: 0,
    originResumes: 0,
    leaseExpiries: 0,
    booksGap: 0,
    wallS: 0,
  };
}

describe("bench:sched command line and bookkeeping", () => {
  it("parses options and rejects bad ones with a usage error", () => {
    const o = parseCli(["--quick", "--seeds", "3", "--systems", "vllm,router-tr", "--ns", "24,96"]);
    expect(o.quick).toBe(true);
    expect(o.seeds).toBe(3);
    expect(o.systems).toEqual(["vllm", "router-tr"]);
    expect(o.ns).toEqual([24, 96]);
    expect(() => parseCli(["--seeds", "0"])).toThrow(UsageError);
    expect(() => parseCli(["--systems", "sglang"])).toThrow(UsageError);
    expect(() => parseCli(["--workload", "{oops"])).toThrow(UsageError);
    expect(() => parseCli(["--frobnicate"])).toThrow(UsageError);
  });

  it("builds the issue's sweeps", () => {
    expect(sweepJobs({ quick: true, seeds: 1, firstSeed: 1 })).toHaveLength(10);
    const full = sweepJobs({ quick: false, seeds: 2, firstSeed: 1 });
    expect(full).toHaveLength(2 * (20 + 15 + 7 + 3));
    expect(full.filter((j) => j.backends === 2).map((j) => j.n)).toEqual([
      192, 192, 192, 192, 192, 192,
    ]);
    const exp = experimentJobs(3, 1);
    expect(exp).toHaveLength(3 * 2 * (1 + VARIANTS.length));
  });

  it("the queued-sharing proposal zeroes the credit only while the engine queues", () => {
    const snap = {
      ...emptySnapshot(1000, 0.4),
      blockSize: 16,
      numGpuBlocks: 62,
      numRequestsRunning: 3,
    };
    expect(applyScrapePolicy("no-shared-when-queued", snap)).toBe(snap);
    expect(
      applyScrapePolicy("no-shared-when-queued", { ...snap, numRequestsWaiting: 2 }).kvCacheUsage,
    ).toBe(1);
    expect(applyScrapePolicy("none", { ...snap, numRequestsWaiting: 2 }).kvCacheUsage).toBe(0.4);
  });

  it("keeps a variant only if N = 96 rises on every seed and N = 24 holds", () => {
    const [a, b] = [VARIANTS[0]!.name, VARIANTS[1]!.name];
    const runs = [
      row(96, 1, 100),
      row(96, 2, 110),
      row(24, 1, 50),
      row(24, 2, 50),
      row(96, 1, 120, a),
      row(96, 2, 111, a),
      row(24, 1, 50, a),
      row(24, 2, 49.9, a),
      row(96, 1, 150, b),
      row(96, 2, 105, b),
      row(24, 1, 50, b),
      row(24, 2, 50, b),
    ];
    const v = verdicts(runs);
    expect(v.find((x) => x.variant === a)!.kept).toBe(true);
    expect(v.find((x) => x.variant === b)!.kept).toBe(false);
  });

  it("prints the router targets from aggregated rows", () => {
    const rows = aggregate([
      { ...row(96, 1, 300), system: "vllm" },
      row(96, 1, 800),
      { ...row(24, 1, 200), system: "vllm" },
      row(24, 1, 197),
      row(48, 1, 790),
    ]);
    const all = targetLines(rows);
    expect(all.filter((l) => l.text.startsWith("vLLM"))).toEqual([]);
    const lines = all.filter((l) => l.text.startsWith("router-tr"));
    expect(lines.map((l) => l.pass)).toEqual([true, true, true]);
    expect(lines[0]!.text).toContain("2.67×");
    expect(lines.some((l) => l.info)).toBe(false);
  });

  it("prints the original policy's router lines as INFO, never as PASS/FAIL", () => {
    const orig = "original policy";
    const rows = aggregate([
      { ...row(96, 1, 100), system: "vllm" },
      row(96, 1, 300),
      { ...row(96, 1, 250, orig), kvHitRate: 0.8 },
      { ...row(24, 1, 200), system: "vllm" },
      row(24, 1, 200),
      row(24, 1, 200, orig),
      row(72, 1, 290),
      row(72, 1, 290, orig),
    ]);
    const all = targetLines(rows);
    const info = all.filter((l) => l.info);
    expect(info.map((l) => l.text.slice(0, 27))).toEqual([
      "router-tr [original policy]",
      "router-tr [original policy]",
      "router-tr [original policy]",
    ]);
    expect(info.map((l) => l.pass)).toEqual([false, true, false]);
    const text = formatTargets(all);
    expect(text).toContain("INFO  router-tr [original policy] at GLM N=96");
    expect(text).toContain("(would fail)");
    expect(text).not.toMatch(/(PASS|FAIL) {2}router-tr \[original/);
  });

  it("judges every simulated paper point within ±20 % steps/min and ±10 points of hit rate", () => {
    const orig = "original policy";
    const rows = aggregate([
      // paper GLM N=24 vLLM: 221.9 steps/min at 98.2 %: 200 / 0.97 is −9.9 %, −1.2 points: PASS
      { ...row(24, 1, 200), system: "vllm", kvHitRate: 0.97 },
      // paper GLM N=96 vLLM: 140.1 at 29.7 %: 100 is −28.6 %: FAIL
      { ...row(96, 1, 100), system: "vllm", kvHitRate: 0.3 },
      // paper GLM N=96 ThunderAgent: 371.1 at 93.1 %: 350 at 0.8 is −5.7 % but −13.1 points: FAIL
      { ...row(96, 1, 350, orig), kvHitRate: 0.8 },
      // paper GLM N=96 Continuum: 213.6 at 60.2 %: 250 at 0.65 is +17.0 %, +4.8 points: PASS
      { ...row(96, 1, 250), system: "continuum", kvHitRate: 0.65 },
      // router-tr with our defaults is not a paper system: not judged
      row(96, 1, 999),
    ]);
    const f = fidelityRows(rows);
    expect(f.map((r) => [r.n, r.system, r.inSample, r.pass])).toEqual([
      [24, "vllm", true, true],
      [96, "vllm", true, false],
      [96, "continuum", false, true],
      [96, "thunderagent", false, false],
    ]);
    expect(f[2]!.stepsError).toBeCloseTo(250 / 213.6 - 1, 6);
    expect(f[3]!.hitErrorPoints).toBeCloseTo(-13.1, 6);
    const text = formatFidelity(f);
    expect(text).toContain("FAIL  fidelity glm4.6 N=96 thunderagent (out of sample)");
    expect(text).toContain("PASS  fidelity glm4.6 N=24 vllm (calibrated)");
    expect(text).toMatch(/fidelity: 2\/4 paper points .* \(of 21 measured\)$/);
    expect(fidelityTable(f).split("\n")).toHaveLength(2 + 4);
  });
});
