/**
 * The scenario matrix (`pnpm bench:sched --matrix scenarios/`): every cell (scenario × N × system)
 * as steps/min and its ratio to the original policy in the same cell, the geometric mean of those
 * ratios per system, and the policy-v2 targets, computed for each system as if it were the
 * default. Pure: the rows in, the numbers and the lines out.
 * @module
 */
import type { AggRow } from "./results.js";
import { geomean } from "./stats.js";

/** The names the targets look for (scenario files use them for their systems). */
export const ORIGINAL = "original";
export const DEFAULT = "default";
export const VLLM = "vllm";
export const GLM_SCENARIO = "paper-glm";
export const GLM_TARGET_N = 96;
export const POOL_SCENARIO = "pool4-long-context";
/** Suffix of the generated twin of a never-release scenario, with releases. */
export const RELEASE_TWIN = "+release";

export interface MatrixCell extends AggRow {
  /** steps/min ÷ the original's in the same scenario and N (null: no original there). */
  vs_original: number | null;
  /** A generated reference run (a never-release scenario's twin), not a cell of the matrix. */
  reference: boolean;
}

export interface SystemSummary {
  system: string;
  cells: number;
  geomean_vs_original: number;
  min_vs_original: number;
  min_cell: string;
  longest_wait_s: number;
}

export interface TargetResult {
  target: string;
  pass: boolean;
  text: string;
}

const cellName = (r: AggRow) => `${r.scenario} N=${r.n}`;
const nameOf = (r: AggRow) => r.system_name ?? r.system;

export function matrixCells(rows: readonly AggRow[]): MatrixCell[] {
  return rows.map((r) => {
    const orig = rows.find(
      (o) => o.scenario === r.scenario && o.n === r.n && nameOf(o) === ORIGINAL,
    );
    return {
      ...r,
      vs_original: orig && orig.steps_per_min > 0 ? r.steps_per_min / orig.steps_per_min : null,
      reference: (r.scenario ?? "").endsWith(RELEASE_TWIN),
    };
  });
}

/** The cells of one system that count (not references). */
const cellsOf = (cells: readonly MatrixCell[], system: string) =>
  cells.filter((c) => nameOf(c) === system && !c.reference);

/** Per system: the geomean of its ratio to the original over the cells, the worst cell, the longest wait. */
export function systemSummaries(cells: readonly MatrixCell[]): SystemSummary[] {
  const names = [...new Set(cells.map(nameOf))];
  return names.map((system) => {
    const mine = cellsOf(cells, system);
    const rated = mine.filter((c) => c.vs_original !== null);
    const worst = rated.reduce<MatrixCell | null>(
      (a, c) => (a === null || c.vs_original! < a.vs_original! ? c : a),
      null,
    );
    return {
      system,
      cells: rated.length,
      geomean_vs_original: geomean(rated.map((c) => c.vs_original!)),
      min_vs_original: worst?.vs_original ?? Number.NaN,
      min_cell: worst ? cellName(worst) : "",
      longest_wait_s: Math.max(0, ...mine.map((c) => c.longest_wait_s)),
    };
  });
}

const x2 = (v: number) => `${v.toFixed(2)}×`;

function find(cells: readonly MatrixCell[], scenario: string, system: string, n?: number) {
  return cells.find(
    (c) => c.scenario === scenario && nameOf(c) === system && (n === undefined || c.n === n),
  );
}

/** The policy-v2 targets for `system` (a target whose cells were not run is left out). */
export function matrixTargets(cells: readonly MatrixCell[], system: string): TargetResult[] {
  const out: TargetResult[] = [];
  const add = (target: string, pass: boolean, text: string) => out.push({ target, pass, text });
  const sum = systemSummaries(cells).find((s) => s.system === system);
  if (sum && sum.cells > 0) {
    const g = sum.geomean_vs_original;
    add(
      "geomean",
      g >= 1.15,
      `${system} vs original: geomean ${x2(g)} steps/min over ${sum.cells} cells (need ≥ 1.15×)`,
    );
    add(
      "every-cell",
      sum.min_vs_original >= 1.0,
      `${system} vs original in every cell: lowest ${x2(sum.min_vs_original)} at ${sum.min_cell} (need ≥ 1.0×)`,
    );
  }
  const sys96 = find(cells, GLM_SCENARIO, system, GLM_TARGET_N);
  const vllm96 = find(cells, GLM_SCENARIO, VLLM, GLM_TARGET_N);
  if (sys96 && vllm96) {
    const r = sys96.steps_per_min / vllm96.steps_per_min;
    add(
      "glm96-vs-vllm",
      r >= 3.3,
      `${system} at ${GLM_SCENARIO} N=${GLM_TARGET_N}: ${sys96.steps_per_min.toFixed(1)} steps/min = ${x2(r)} vllm (need ≥ 3.3×)`,
    );
  }
  const mine = cellsOf(cells, system);
  if (mine.length > 0) {
    const worst = mine.reduce((a, c) => (c.longest_wait_s > a.longest_wait_s ? c : a));
    add(
      "longest-wait",
      worst.longest_wait_s <= 300,
      `${system}: longest wait in any cell ${worst.longest_wait_s.toFixed(0)} s at ${cellName(worst)} (need ≤ 300 s)`,
    );
  }
  poolTarget(cells, system, add);
  neverReleaseTargets(cells, system, add);
  return out;
}

function poolTarget(
  cells: readonly MatrixCell[],
  system: string,
  add: (target: string, pass: boolean, text: string) => void,
): void {
  const mine = find(cells, POOL_SCENARIO, system);
  const orig = find(cells, POOL_SCENARIO, ORIGINAL);
  if (!mine || !orig || mine.resumes_moved === null || orig.resumes_moved === null) return;
  const pass = mine.resumes_moved <= orig.resumes_moved / 5;
  add(
    "pool-moves",
    pass,
    `${system} at ${POOL_SCENARIO}: ${mine.resumes_moved.toFixed(0)} resumes changed backend vs the original's ${orig.resumes_moved.toFixed(0)} (need ≤ 1/5: ${(orig.resumes_moved / 5).toFixed(0)})`,
  );
}

function neverReleaseTargets(
  cells: readonly MatrixCell[],
  system: string,
  add: (target: string, pass: boolean, text: string) => void,
): void {
  for (const twin of cells.filter((c) => c.reference && nameOf(c) === system)) {
    const scenario = twin.scenario!.slice(0, -RELEASE_TWIN.length);
    const never = find(cells, scenario, system, twin.n);
    if (!never || twin.steps_per_min <= 0) continue;
    const r = never.steps_per_min / twin.steps_per_min;
    add(
      "never-release",
      r >= 0.95,
      `${system} at ${scenario} N=${twin.n}: never-release clients ${never.steps_per_min.toFixed(1)} steps/min = ${x2(r)} the same with releases (need ≥ 0.95×)`,
    );
  }
}
