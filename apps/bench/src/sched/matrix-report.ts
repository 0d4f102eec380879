/**
 * Markdown of the scenario runs: the cells with every measure, the per-system summary of the
 * matrix and its target lines.
 * @module
 */
import {
  DEFAULT,
  matrixTargets,
  systemSummaries,
  type MatrixCell,
  type TargetResult,
} from "./matrix.js";

const f0 = (x: number) => x.toFixed(0);
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const opt = (x: number | null, f: (v: number) => string) => (x === null ? "–" : f(x));

/** One row per cell: throughput, its ratio to the original, and the scenario measures. */
export function cellsTable(cells: readonly MatrixCell[]): string {
  const lines = [
    "| scenario | N | system | steps/min (min–max) | × original | goodput/min (SLO s) | KV hit % | step p50 / p99 s | longest wait s | pauses | pause Gini | resumes moved / on origin | books vs engine |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const c of cells) {
    const spread = c.seeds > 1 ? ` (${f0(c.steps_per_min_min)}–${f0(c.steps_per_min_max)})` : "";
    lines.push(
      `| ${c.scenario} | ${c.n} | ${c.system_name ?? c.system} | ${f1(c.steps_per_min)}${spread} | ${opt(c.vs_original, f2)} | ${f1(c.goodput_per_min)} (${c.slo_s}) | ${f1(100 * c.kv_hit_rate)} | ${f2(c.step_p50_s)} / ${f2(c.step_p99_s)} | ${f0(c.longest_wait_s)} | ${opt(c.router_pauses, f0)} | ${f2(c.pause_gini)} | ${opt(c.resumes_moved, f0)} / ${opt(c.origin_resumes, f0)} | ${opt(c.books_gap_max, f0)} |`,
    );
  }
  return lines.join("\n");
}

const TARGET_COLUMNS = [
  ["geomean", "geomean ≥ 1.15×"],
  ["every-cell", "every cell ≥ 1.0×"],
  ["glm96-vs-vllm", "GLM N=96 ≥ 3.3× vllm"],
  ["longest-wait", "longest wait ≤ 300 s"],
  ["pool-moves", "pool moves ≤ 1/5"],
  ["never-release", "never-release ≥ 0.95×"],
] as const;

/** Per system: geomean of × original, the lowest cell, the longest wait, and each target as if it were the default. */
export function summaryTable(cells: readonly MatrixCell[]): string {
  const head = TARGET_COLUMNS.map(([, h]) => h).join(" | ");
  const lines = [
    `| system | cells | geomean × original | lowest cell | longest wait s | ${head} |`,
    `|---|---|---|---|---|${TARGET_COLUMNS.map(() => "---").join("|")}|`,
  ];
  for (const s of systemSummaries(cells)) {
    const t = matrixTargets(cells, s.system);
    const mark = (id: string) => {
      const r = t.filter((x) => x.target === id);
      if (r.length === 0) return "–";
      return r.every((x) => x.pass) ? "PASS" : "FAIL";
    };
    const lowest = Number.isNaN(s.min_vs_original)
      ? "–"
      : `${f2(s.min_vs_original)} (${s.min_cell})`;
    const g = Number.isNaN(s.geomean_vs_original) ? "–" : f2(s.geomean_vs_original);
    lines.push(
      `| ${s.system} | ${s.cells} | ${g} | ${lowest} | ${f0(s.longest_wait_s)} | ${TARGET_COLUMNS.map(([id]) => mark(id)).join(" | ")} |`,
    );
  }
  return lines.join("\n");
}

/** The target lines of the default policy: PASS/FAIL each. */
export function targetLinesFor(cells: readonly MatrixCell[], system = DEFAULT): TargetResult[] {
  return matrixTargets(cells, system);
}

export function formatTargetResults(results: readonly TargetResult[]): string {
  return results.map((r) => `${r.pass ? "PASS" : "FAIL"}  ${r.text}`).join("\n");
}
