/**
 * The markdown results table and the router's PASS/FAIL target lines (the paper-point fidelity
 * lines are fidelity.ts's).
 * @module
 */
import { paperPoint } from "@thunderagent/engine-sim/profiles";
import { findAgg, type AggRow } from "./results.js";
import { ORIGINAL_VARIANT } from "./systems.js";

const f0 = (x: number) => x.toFixed(0);
const f1 = (x: number) => x.toFixed(1);
const pct = (x: number) => (100 * x).toFixed(1);

export function resultsTable(rows: readonly AggRow[]): string {
  const sorted = [...rows].sort(
    (a, b) => a.profile.localeCompare(b.profile) || a.n - b.n || a.system.localeCompare(b.system),
  );
  const lines = [
    "| profile | N | system | steps/min (min–max over seeds) | paper steps/min | KV hit % | paper hit % | hit % in window | preemptions | mean step s | mean pause s |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of sorted) {
    const p = paperPoint(r.profile, r.n);
    const ref =
      r.system === "vllm"
        ? p?.vllm
        : r.system === "continuum"
          ? p?.continuum
          : r.system === "router-tr" || r.system === `router-tr [${ORIGINAL_VARIANT}]`
            ? p?.thunderagent
            : undefined;
    const spread = r.seeds > 1 ? ` (${f0(r.steps_per_min_min)}–${f0(r.steps_per_min_max)})` : "";
    lines.push(
      `| ${r.profile} | ${r.n} | ${r.system} | ${f1(r.steps_per_min)}${spread} | ${ref ? f1(ref.stepsPerMin) : ""} | ${pct(r.kv_hit_rate)} | ${ref ? pct(ref.hitRate) : ""} | ${pct(r.kv_hit_rate_window)} | ${f0(r.preemptions)} | ${r.mean_step_s.toFixed(2)} | ${r.mean_pause_s.toFixed(2)} |`,
    );
  }
  return lines.join("\n");
}

/**
 * The scenario measures of each row: goodput under the SLO, step latency p50/p99, the longest wait,
 * router-core's pauses and their Gini across programs, resumes that changed backend, and the
 * largest gap between the router's reasoning programs and the engine's requests.
 */
export function measuresTable(rows: readonly AggRow[]): string {
  const lines = [
    "| scenario | profile | N | system | steps/min | goodput/min (SLO s) | step p50 s | step p99 s | longest wait s | pauses | pause Gini | resumes moved / on origin | books vs engine max |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  const opt = (x: number | null, f: (x: number) => string) => (x === null ? "–" : f(x));
  for (const r of rows) {
    lines.push(
      `| ${r.scenario ?? ""} | ${r.profile} | ${r.n} | ${r.system} | ${f1(r.steps_per_min)} | ${f1(r.goodput_per_min)} (${r.slo_s}) | ${r.step_p50_s.toFixed(2)} | ${r.step_p99_s.toFixed(2)} | ${f1(r.longest_wait_s)} | ${opt(r.router_pauses, f0)} | ${r.pause_gini.toFixed(3)} | ${opt(r.resumes_moved, f0)} / ${opt(r.origin_resumes, f0)} | ${opt(r.books_gap_max, f0)} |`,
    );
  }
  return lines.join("\n");
}

export interface TargetLine {
  pass: boolean;
  /** Printed as INFO (with the would-be verdict), not a target. */
  info?: boolean;
  text: string;
}

export function targetLines(rows: readonly AggRow[]): TargetLine[] {
  const out: TargetLine[] = [];
  const line = (pass: boolean, text: string) => out.push({ pass, text });
  routerTargets(rows, "router-tr", line);
  // The original ThunderAgent policy (the paper's constants), for information: the targets are
  // for router-tr as router-core ships it.
  routerTargets(rows, `router-tr [${ORIGINAL_VARIANT}]`, (pass, text) =>
    out.push({ pass, info: true, text }),
  );
  return out;
}

function routerTargets(
  rows: readonly AggRow[],
  sys: string,
  line: (pass: boolean, text: string) => void,
): void {
  const tr96 = findAgg(rows, "glm4.6", 96, sys);
  const v96 = findAgg(rows, "glm4.6", 96, "vllm");
  if (tr96 && v96) {
    const ratio = tr96.steps_per_min / v96.steps_per_min;
    line(
      ratio >= 2.65 && tr96.kv_hit_rate >= 0.9,
      `${sys} at GLM N=96: ${f1(tr96.steps_per_min)} steps/min = ${ratio.toFixed(2)}× vllm (need ≥ 2.65×), hit ${pct(tr96.kv_hit_rate)} % (need ≥ 90 %)`,
    );
  }
  const tr24 = findAgg(rows, "glm4.6", 24, sys);
  const v24 = findAgg(rows, "glm4.6", 24, "vllm");
  if (tr24 && v24) {
    const ratio = tr24.steps_per_min / v24.steps_per_min;
    line(
      ratio >= 0.98,
      `${sys} at GLM N=24: ${f1(tr24.steps_per_min)} steps/min = ${ratio.toFixed(3)}× vllm (need ≥ 0.98×)`,
    );
  }
  const trAll = rows.filter((r) => r.profile === "glm4.6" && r.system === sys);
  if (tr96 && trAll.length > 2) {
    const best = trAll.reduce((a, b) => (b.steps_per_min > a.steps_per_min ? b : a));
    const share = tr96.steps_per_min / best.steps_per_min;
    line(
      share >= 0.95,
      `${sys} keeps its throughput at GLM N=96: ${f1(tr96.steps_per_min)} = ${pct(share)} % of its best (${f1(best.steps_per_min)} at N=${best.n}; need ≥ 95 %)`,
    );
  }
}

export function formatTargets(lines: readonly TargetLine[]): string {
  return lines
    .map((l) =>
      l.info
        ? `INFO  ${l.text} (${l.pass ? "would pass" : "would fail"})`
        : `${l.pass ? "PASS" : "FAIL"}  ${l.text}`,
    )
    .join("\n");
}

export function dpSummary(rows: readonly AggRow[]): string {
  const dp = rows.filter((r) => r.system.includes(" dp"));
  if (dp.length === 0) return "";
  const lines = [
    "| data-parallel (2 replicas, GLM) | N | steps/min | KV hit % | preemptions | mean pause s | mean kv-usage imbalance |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of dp) {
    lines.push(
      `| ${r.system} | ${r.n} | ${f1(r.steps_per_min)} | ${pct(r.kv_hit_rate)} | ${f0(r.preemptions)} | ${r.mean_pause_s.toFixed(2)} | ${r.memory_imbalance === null ? "" : pct(r.memory_imbalance) + " %"} |`,
    );
  }
  return lines.join("\n");
}
