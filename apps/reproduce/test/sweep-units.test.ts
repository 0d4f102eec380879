// The sweep's pure parts: cells and their order, the ETA, the aggregation with the paper's points,
// the flags, and the whole-minute cut of a timeline.
import { PAPER } from "@thunderagent/engine-sim/profiles";
import type { SweepCellResult } from "@thunderagent/protocol";
import { describe, expect, it } from "vitest";
import { UsageError, readCommandLine, type Options } from "../src/options.js";
import { aggregate, stat } from "../src/sweep/aggregate.js";
import { defaultSweepNs, planCells } from "../src/sweep/cells.js";
import { etaSeconds, progressLine } from "../src/sweep/progress.js";
import { wholeMinutes } from "../src/window.js";

const opts = (argv: string[]) => readCommandLine(argv) as Options;

describe("cells", () => {
  it("the preset's N are the paper's, from the profile module", () => {
    expect(defaultSweepNs("glm4.6")).toEqual([24, 48, 72, 96]);
    expect(defaultSweepNs("qwen3-235b")).toEqual([144, 168, 192]);
  });

  it("rounds are interleaved: every (N, system) once before any repeat", () => {
    const ids = planCells([24, 96], ["thunderagent", "vllm"], 2).map((c) => c.id);
    expect(ids).toEqual([
      "n024-thunderagent-r1",
      "n024-vllm-r1",
      "n096-thunderagent-r1",
      "n096-vllm-r1",
      "n024-thunderagent-r2",
      "n024-vllm-r2",
      "n096-thunderagent-r2",
      "n096-vllm-r2",
    ]);
  });
});

describe("progress", () => {
  it("estimates from the planned length, then from the cells that ran", () => {
    const base = { total: 4, done: 1, current: "x", currentElapsedS: 0, plannedCellS: 100 };
    expect(etaSeconds({ ...base, ranS: [] })).toBe(300);
    expect(etaSeconds({ ...base, ranS: [50], currentElapsedS: 20 })).toBe(130);
    expect(progressLine({ ...base, ranS: [] }, 4)).toBe(
      "[#---] 1/4 cells running x; sweep ETA 5 min 00 s",
    );
  });
});

function cell(n: number, system: "thunderagent" | "vllm", round: number, spm: number) {
  return {
    schema_version: 1,
    cell: { id: `n${String(n).padStart(3, "0")}-${system}-r${round}`, n, system, round },
    mode: "virtual",
    started_at: 0,
    stopped_at: 1,
    steps_counted: spm * 60,
    steps_per_min: spm,
    total_steps: spm * 70,
    steps_per_minute_series: [],
    kv_hit_rate: 0.5,
    source: "test",
    seed: round,
    notes: [],
  } satisfies SweepCellResult;
}

describe("aggregate", () => {
  it("mean, spread and the paper's point per (N, system); the speedup per N", () => {
    const { points, speedups } = aggregate("glm4.6", [
      cell(96, "thunderagent", 1, 300),
      cell(96, "thunderagent", 2, 340),
      cell(96, "vllm", 1, 100),
      cell(96, "vllm", 2, 120),
    ]);
    const ta = points.find((p) => p.system === "thunderagent");
    expect(ta?.steps_per_min).toEqual(stat([300, 340]));
    expect(ta?.steps_per_min.min).toBe(300);
    const paper = PAPER.find((p) => p.profile === "glm4.6" && p.n === 96);
    expect(ta?.paper?.steps_per_min).toBe(paper?.thunderagent.stepsPerMin);
    expect(speedups).toEqual([{ n: 96, speedup: 320 / 110 }]);
  });

  it("an N the paper did not measure has no paper point", () => {
    expect(aggregate("glm4.6", [cell(5, "vllm", 1, 10)]).points[0]?.paper).toBeNull();
  });
});

describe("flags", () => {
  it("--sweep without a list is the preset's; with one, those N", () => {
    expect(opts(["glm4.6", "--sweep"]).sweep).toBe("default");
    expect(opts(["--sweep", "glm4.6"]).sweep).toBe("default");
    expect(opts(["glm4.6", "--sweep", "8,16", "--repeat", "3"])).toMatchObject({
      sweep: [8, 16],
      repeat: 3,
    });
  });

  it.each([
    [["glm4.6", "--sweep", "--compare"], /drop --compare/],
    [["glm4.6", "--virtual", "--sweep"], /--virtual needs --simulate/],
    [["glm4.6", "--simulate", "--virtual"], /--virtual runs a sweep/],
    [["glm4.6", "--repeat", "2"], /--repeat needs --sweep/],
    [["glm4.6", "--sweep", "0,4"], /every N must be positive/],
  ])("refuses %j", (argv, message) => {
    expect(() => readCommandLine(argv)).toThrow(UsageError);
    expect(() => readCommandLine(argv)).toThrow(message);
  });
});

describe("wholeMinutes", () => {
  it("drops the partial minute the run was stopped in", () => {
    const count = {
      stepsCounted: 3,
      stepsPerMin: 1,
      totalSteps: 9,
      series: [3, 3, 3, 1],
      kvHitRate: null,
    };
    expect(wholeMinutes(count, 3.2).series).toEqual([3, 3, 3]);
    expect(wholeMinutes(count, 4).series).toEqual([3, 3, 3, 1]);
  });
});
