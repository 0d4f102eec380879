/**
 * Further out-of-sample checks against the paper, beyond figs. 4 and 5 (`pnpm bench:sched
 * --checks`): fig. 6b (GLM-4.6 N = 96, ThunderAgent with acting-token decay: the scheduler
 * interval Δt and the decay base x), table 2 (RL rollout on two 8×H100 nodes, GLM-4.6, N = 144:
 * vLLM behind a gateway vs ThunderAgent over both) and fig. 4b (OpenHands on GLM-4.6). Nothing is
 * tuned for them: each runs the calibrated profile, and the report says simulated vs paper even
 * where it misses.
 * @module
 */
import { OPENHANDS_GLM_WORKLOAD } from "@thunderagent/engine-sim/profiles";
import type { RunRow } from "./results.js";
import { ORIGINAL_POLICY_OPTIONS, job, type Job } from "./systems.js";

export interface Check {
  /** Figure or table of the paper. */
  source: string;
  /** What varies, e.g. "Δt = 2 s". */
  label: string;
  job: Job;
  paperStepsPerMin: number;
}

const decay = (x: number) => ({
  ...ORIGINAL_POLICY_OPTIONS,
  useActingTokenDecay: true,
  actingDecayBase: x,
});

function fig6b(seed: number): Check[] {
  const out: Check[] = [];
  const intervals: Array<[number, number]> = [
    [2, 364],
    [5, 379],
    [7, 371],
    [10, 343],
  ];
  for (const [dt, paper] of intervals) {
    out.push({
      source: "fig. 6b",
      label: `Δt = ${dt} s, x = 2`,
      job: job("glm4.6", 96, "router-tr", seed, {
        variant: `original policy, decay x=2, Δt=${dt}`,
        routerOptions: decay(2),
        schedulerIntervalS: dt,
      }),
      paperStepsPerMin: paper,
    });
  }
  const bases: Array<[number, number]> = [
    [2, 373],
    [4, 382],
    [6, 361],
    [8, 333],
  ];
  for (const [x, paper] of bases) {
    out.push({
      source: "fig. 6b",
      label: `Δt = 5 s, x = ${x}`,
      job: job("glm4.6", 96, "router-tr", seed, {
        variant: `original policy, decay x=${x}, Δt=5`,
        routerOptions: decay(x),
      }),
      paperStepsPerMin: paper,
    });
  }
  return out;
}

function table2(seed: number): Check[] {
  return [
    {
      source: "table 2",
      label: "vLLM × 2 behind a session-affine gateway, N = 144",
      job: job("glm4.6", 144, "vllm", seed, { backends: 2, routing: "sticky" }),
      paperStepsPerMin: 375.4,
    },
    {
      source: "table 2",
      label: "ThunderAgent over both replicas, N = 144",
      job: job("glm4.6", 144, "router-tr", seed, {
        backends: 2,
        routing: "global",
        variant: "original policy",
        routerOptions: { ...ORIGINAL_POLICY_OPTIONS },
      }),
      paperStepsPerMin: 671.8,
    },
  ];
}

function fig4b(seed: number): Check[] {
  const vllm = [152.9, 55.1, 46.4, 52.1];
  const ta = [154.7, 190.4, 187.8, 186.6];
  const out: Check[] = [];
  [24, 48, 72, 96].forEach((n, i) => {
    const workload = { ...OPENHANDS_GLM_WORKLOAD };
    out.push({
      source: "fig. 4b",
      label: `OpenHands vLLM, N = ${n} (calibrated)`,
      job: job("glm4.6", n, "vllm", seed, { variant: "openhands", workload }),
      paperStepsPerMin: vllm[i]!,
    });
    out.push({
      source: "fig. 4b",
      label: `OpenHands ThunderAgent, N = ${n}`,
      job: job("glm4.6", n, "router-tr", seed, {
        variant: "openhands, original policy",
        workload,
        routerOptions: { ...ORIGINAL_POLICY_OPTIONS },
      }),
      paperStepsPerMin: ta[i]!,
    });
  });
  return out;
}

export function checks(seeds: number, firstSeed: number): Check[] {
  const out: Check[] = [];
  for (let s = 0; s < seeds; s++) {
    const seed = firstSeed + s;
    out.push(...fig6b(seed), ...table2(seed), ...fig4b(seed));
  }
  return out;
}

export interface CheckResult {
  source: string;
  label: string;
  seeds: number;
  stepsPerMin: number;
  min: number;
  max: number;
  kvHitRate: number;
  paperStepsPerMin: number;
  error: number;
}

/** Means over seeds, in the order of the checks; `runs` are in the order of the checks' jobs. */
export function checkResults(list: readonly Check[], runs: readonly RunRow[]): CheckResult[] {
  const groups = new Map<string, { check: Check; rows: RunRow[] }>();
  list.forEach((c, i) => {
    const key = `${c.source}|${c.label}`;
    const g = groups.get(key) ?? { check: c, rows: [] };
    const row = runs[i];
    if (row) g.rows.push(row);
    groups.set(key, g);
  });
  const out: CheckResult[] = [];
  for (const { check, rows } of groups.values()) {
    if (rows.length === 0) continue;
    const spm = rows.map((r) => r.stepsPerMin);
    const mean = spm.reduce((a, b) => a + b, 0) / spm.length;
    out.push({
      source: check.source,
      label: check.label,
      seeds: rows.length,
      stepsPerMin: mean,
      min: Math.min(...spm),
      max: Math.max(...spm),
      kvHitRate: rows.reduce((a, r) => a + r.kvHitRate, 0) / rows.length,
      paperStepsPerMin: check.paperStepsPerMin,
      error: mean / check.paperStepsPerMin - 1,
    });
  }
  return out;
}

export function checksTable(results: readonly CheckResult[]): string {
  const lines = [
    "| source | configuration | steps/min sim (min–max) | paper | error | KV hit % sim |",
    "|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    const spread = r.seeds > 1 ? ` (${r.min.toFixed(0)}–${r.max.toFixed(0)})` : "";
    const err = 100 * r.error;
    lines.push(
      `| ${r.source} | ${r.label} | ${r.stepsPerMin.toFixed(1)}${spread} | ${r.paperStepsPerMin.toFixed(1)} | ${err >= 0 ? "+" : ""}${err.toFixed(1)} % | ${(100 * r.kvHitRate).toFixed(1)} |`,
    );
  }
  return lines.join("\n");
}
