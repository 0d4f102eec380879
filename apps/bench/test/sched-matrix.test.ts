import { describe, expect, it } from "vitest";
import { matrixCells, matrixTargets, systemSummaries } from "../src/sched/matrix.js";
import { cellsTable, summaryTable } from "../src/sched/matrix-report.js";
import type { AggRow } from "../src/sched/results.js";

function cell(
  scenario: string,
  n: number,
  system: string,
  spm: number,
  extra: Partial<AggRow> = {},
): AggRow {
  return {
    profile: "glm4.6",
    n,
    system,
    steps_per_min: spm,
    kv_hit_rate: 0.9,
    preemptions: 0,
    mean_step_s: 1,
    mean_pause_s: 0,
    seeds: 1,
    steps_per_min_min: spm,
    steps_per_min_max: spm,
    kv_hit_rate_min: 0.9,
    kv_hit_rate_max: 0.9,
    kv_hit_rate_window: 0.9,
    memory_imbalance: null,
    scenario,
    system_name: system,
    slo_s: 10,
    goodput_per_min: spm,
    goodput_share: 1,
    step_p50_s: 1,
    step_p99_s: 2,
    longest_wait_s: 100,
    router_pauses: system === "vllm" ? null : 10,
    pause_gini: 0.5,
    resumes_moved: system === "vllm" ? null : 0,
    origin_resumes: system === "vllm" ? null : 0,
    books_gap_max: system === "vllm" ? null : 1,
    ...extra,
  };
}

// Hand-made matrix: default is 1.2× the original on paper-glm, 1.1× on the pool, 0.9× with
// never-release clients (whose twin with releases runs at 200).
const rows = [
  cell("paper-glm", 96, "vllm", 100),
  cell("paper-glm", 96, "original", 300),
  cell("paper-glm", 96, "default", 360),
  cell("pool4-long-context", 32, "original", 100, { resumes_moved: 50 }),
  cell("pool4-long-context", 32, "default", 110, { resumes_moved: 10, longest_wait_s: 400 }),
  cell("never-release", 40, "original", 200),
  cell("never-release", 40, "default", 180),
  cell("never-release+release", 40, "original", 200),
  cell("never-release+release", 40, "default", 200),
];

describe("the scenario matrix", () => {
  const cells = matrixCells(rows);

  it("rates each cell against the original in the same scenario and N", () => {
    expect(cells.map((c) => c.vs_original)).toEqual([1 / 3, 1, 1.2, 1, 1.1, 1, 0.9, 1, 1]);
    expect(cells.filter((c) => c.reference).map((c) => c.system_name)).toEqual([
      "original",
      "default",
    ]);
  });

  it("geomean over the cells, the twin left out", () => {
    const d = systemSummaries(cells).find((s) => s.system === "default")!;
    expect(d.cells).toBe(3);
    expect(d.geomean_vs_original).toBeCloseTo(Math.cbrt(1.2 * 1.1 * 0.9), 12);
    expect(d.min_vs_original).toBeCloseTo(0.9, 12);
    expect(d.min_cell).toBe("never-release N=40");
    expect(d.longest_wait_s).toBe(400);
  });

  it("computes every target", () => {
    const t = Object.fromEntries(matrixTargets(cells, "default").map((r) => [r.target, r]));
    expect(Object.keys(t)).toEqual([
      "geomean",
      "every-cell",
      "glm96-vs-vllm",
      "longest-wait",
      "pool-moves",
      "never-release",
    ]);
    expect(t["geomean"]!.pass).toBe(false); // 1.06× < 1.15×
    expect(t["every-cell"]!.pass).toBe(false);
    expect(t["glm96-vs-vllm"]!.pass).toBe(true); // 3.6×
    expect(t["glm96-vs-vllm"]!.text).toContain("3.60× vllm");
    expect(t["longest-wait"]!.pass).toBe(false); // 400 s
    expect(t["pool-moves"]!.pass).toBe(true); // 10 ≤ 50 / 5
    expect(t["never-release"]!.pass).toBe(false); // 180 / 200 = 0.90
    expect(t["never-release"]!.text).toContain("0.90×");
  });

  it("prints the cells and the per-system summary", () => {
    expect(cellsTable(cells).split("\n")).toHaveLength(2 + rows.length);
    const summary = summaryTable(cells);
    expect(summary).toMatch(
      /\| default \| 3 \| 1\.06 \| 0\.90 \(never-release N=40\) \| 400 \| FAIL \| FAIL \| PASS \| FAIL \| PASS \| FAIL \|/,
    );
  });
});
