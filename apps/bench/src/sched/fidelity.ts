/**
 * Fidelity of the simulation against the paper's measured points: each (profile, N, system) the
 * paper measured, simulated vs paper, PASS within ±20 % steps/min and ±10 points of KV hit rate.
 * Plain vLLM is what the profiles were calibrated on (in sample); ThunderAgent (the original
 * policy, `router-tr [original policy]`) and Continuum are out-of-sample predictions.
 * @module
 */
import { PAPER, type PaperSystem } from "@thunderagent/engine-sim/profiles";
import { findAgg, type AggRow } from "./results.js";
import { ORIGINAL_VARIANT } from "./systems.js";

export const FIDELITY_TOLERANCE = Object.freeze({ stepsRel: 0.2, hitPoints: 10 });

/** The bench system that stands for each of the paper's systems. */
export const PAPER_SYSTEM_ROWS: Readonly<Record<PaperSystem, string>> = Object.freeze({
  vllm: "vllm",
  continuum: "continuum",
  thunderagent: `router-tr [${ORIGINAL_VARIANT}]`,
});

export interface FidelityRow {
  profile: string;
  n: number;
  system: PaperSystem;
  /** The bench row compared. */
  benchSystem: string;
  inSample: boolean;
  simStepsPerMin: number;
  paperStepsPerMin: number;
  /** sim / paper − 1 */
  stepsError: number;
  simHitRate: number;
  paperHitRate: number;
  /** (sim − paper) in percentage points */
  hitErrorPoints: number;
  pass: boolean;
}

/** One row per paper point the results cover (points not simulated are left out). */
export function fidelityRows(rows: readonly AggRow[]): FidelityRow[] {
  const out: FidelityRow[] = [];
  for (const point of PAPER) {
    for (const system of ["vllm", "continuum", "thunderagent"] as const) {
      const benchSystem = PAPER_SYSTEM_ROWS[system];
      const sim = findAgg(rows, point.profile, point.n, benchSystem);
      if (!sim) continue;
      const paper = point[system];
      const stepsError = sim.steps_per_min / paper.stepsPerMin - 1;
      const hitErrorPoints = 100 * (sim.kv_hit_rate - paper.hitRate);
      out.push({
        profile: point.profile,
        n: point.n,
        system,
        benchSystem,
        inSample: system === "vllm",
        simStepsPerMin: sim.steps_per_min,
        paperStepsPerMin: paper.stepsPerMin,
        stepsError,
        simHitRate: sim.kv_hit_rate,
        paperHitRate: paper.hitRate,
        hitErrorPoints,
        pass:
          Math.abs(stepsError) <= FIDELITY_TOLERANCE.stepsRel &&
          Math.abs(hitErrorPoints) <= FIDELITY_TOLERANCE.hitPoints,
      });
    }
  }
  return out;
}

const f1 = (x: number) => x.toFixed(1);
const signed = (x: number) => `${x >= 0 ? "+" : ""}${f1(x)}`;

/** One PASS/FAIL line per point, then the count. */
export function formatFidelity(rows: readonly FidelityRow[]): string {
  if (rows.length === 0) return "";
  const lines = rows.map(
    (r) =>
      `${r.pass ? "PASS" : "FAIL"}  fidelity ${r.profile} N=${r.n} ${r.system}${r.inSample ? " (calibrated)" : " (out of sample)"}: ` +
      `${f1(r.simStepsPerMin)} vs ${f1(r.paperStepsPerMin)} steps/min (${signed(100 * r.stepsError)} %), ` +
      `hit ${f1(100 * r.simHitRate)} vs ${f1(100 * r.paperHitRate)} % (${signed(r.hitErrorPoints)} points)`,
  );
  const passed = rows.filter((r) => r.pass).length;
  lines.push(
    `fidelity: ${passed}/${rows.length} paper points within ±${100 * FIDELITY_TOLERANCE.stepsRel} % steps/min and ±${FIDELITY_TOLERANCE.hitPoints} points of hit rate (of ${PAPER.length * 3} measured)`,
  );
  return lines.join("\n");
}

/** The markdown table of docs/results/fidelity.md. */
export function fidelityTable(rows: readonly FidelityRow[]): string {
  const lines = [
    "| model | N | system | sample | steps/min sim | paper | error | hit % sim | paper | error (points) | verdict |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.profile} | ${r.n} | ${r.system} | ${r.inSample ? "calibrated" : "out of sample"} | ${f1(r.simStepsPerMin)} | ${f1(r.paperStepsPerMin)} | ${signed(100 * r.stepsError)} % | ${f1(100 * r.simHitRate)} | ${f1(100 * r.paperHitRate)} | ${signed(r.hitErrorPoints)} | ${r.pass ? "PASS" : "FAIL"} |`,
    );
  }
  return lines.join("\n");
}
