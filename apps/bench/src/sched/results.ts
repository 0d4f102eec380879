/**
 * Result rows: one per simulated run, then aggregated over seeds (mean and spread). The JSON file
 * carries the row shape `{profile, n, system, steps_per_min, kv_hit_rate, preemptions,
 * mean_step_s}` plus the spread and a few extra measures.
 * @module
 */
import type { ExtraSummary, WindowSummary } from "./metrics.js";
import type { MemorySample } from "./simulation.js";
import type { DpRouting, SystemName } from "./systems.js";
import type { ProfileName } from "./workload.js";

/** One simulated run: what it was, the window's measures (all but the raw step count), the extras. */
export interface RunRow extends ExtraSummary, Omit<WindowSummary, "stepsInWindow"> {
  profile: ProfileName;
  n: number;
  system: SystemName;
  backends: number;
  routing: DpRouting;
  variant: string | null;
  /** The scenario file's name (null for the built-in sweeps). */
  scenario: string | null;
  /** The system's name in the scenario file (null for the built-in sweeps). */
  systemName: string | null;
  seed: number;
  programsFinished: number;
  pauses: number;
  restores: number;
  migrations: number;
  memory: MemorySample[] | null;
  engineSteps: number;
  /** router-core's pause count (pause policy, marks that paused, sick backends); null: no router. */
  routerPauses: number | null;
  /** Resumes onto another backend than the one paused from (router-core's `migrations`). */
  resumesMoved: number | null;
  /** Resumes onto the backend paused from. */
  originResumes: number | null;
  /** Acting leases that expired (`actingLeaseS`). */
  leaseExpiries: number | null;
  /** Max gap, at a tick, between reasoning programs on the router's books and requests in the engine. */
  booksGap: number | null;
  wallS: number;
}

export interface AggRow {
  profile: ProfileName;
  n: number;
  system: string;
  steps_per_min: number;
  kv_hit_rate: number;
  preemptions: number;
  mean_step_s: number;
  mean_pause_s: number;
  seeds: number;
  steps_per_min_min: number;
  steps_per_min_max: number;
  kv_hit_rate_min: number;
  kv_hit_rate_max: number;
  /** Hit rate differenced over the window only (kv_hit_rate is cumulative since the start). */
  kv_hit_rate_window: number;
  /** Mean |kv usage₀ − kv usage₁| over the window (data-parallel runs only). */
  memory_imbalance: number | null;
  /** The scenario file's name and the system's name there (null for the built-in sweeps). */
  scenario: string | null;
  system_name: string | null;
  /** The goodput SLO, seconds (first token − sent). */
  slo_s: number;
  /** Window steps within the SLO per minute, and as a share of the window's steps. */
  goodput_per_min: number;
  goodput_share: number;
  /** Step latency percentiles over the window's steps (mean over seeds). */
  step_p50_s: number;
  step_p99_s: number;
  /** The longest any request waited in the router (max over seeds). */
  longest_wait_s: number;
  /** router-core's pauses and the Gini coefficient of pauses across programs (means over seeds). */
  router_pauses: number | null;
  pause_gini: number;
  /** Resumes onto another backend than the one paused from, and onto the same (means). */
  resumes_moved: number | null;
  origin_resumes: number | null;
  /** Max gap between reasoning programs on the router's books and requests in the engine. */
  books_gap_max: number | null;
}

/** The system name as reported: data-parallel runs and variants are spelled out. */
export function systemKey(r: Pick<RunRow, "system" | "backends" | "routing" | "variant">): string {
  const dp = r.backends > 1 ? `${r.system} dp${r.backends}-${r.routing}` : r.system;
  return r.variant ? `${dp} [${r.variant}]` : dp;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function memoryImbalance(
  memory: readonly MemorySample[],
  fromS: number,
  toS: number,
): number {
  const xs: number[] = [];
  for (const m of memory) {
    if (m.t < fromS || m.t > toS || m.kvUsage.length < 2) continue;
    xs.push(Math.max(...m.kvUsage) - Math.min(...m.kvUsage));
  }
  return mean(xs);
}

export function aggregate(rows: readonly RunRow[]): AggRow[] {
  const groups = new Map<string, RunRow[]>();
  for (const r of rows) {
    const k = `${r.scenario ?? ""}|${r.profile}|${r.n}|${r.systemName ?? systemKey(r)}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const out: AggRow[] = [];
  for (const g of groups.values()) {
    const f = g[0]!;
    const spm = g.map((r) => r.stepsPerMin);
    const hit = g.map((r) => r.kvHitRate);
    const mem = g
      .filter((r) => r.memory !== null)
      .map((r) => memoryImbalance(r.memory!, 600, 4200));
    out.push({
      profile: f.profile,
      n: f.n,
      system: systemKey(f),
      steps_per_min: mean(spm),
      kv_hit_rate: mean(hit),
      preemptions: mean(g.map((r) => r.preemptions)),
      mean_step_s: mean(g.map((r) => r.meanStepS)),
      mean_pause_s: mean(g.map((r) => r.meanPauseS)),
      seeds: g.length,
      steps_per_min_min: Math.min(...spm),
      steps_per_min_max: Math.max(...spm),
      kv_hit_rate_min: Math.min(...hit),
      kv_hit_rate_max: Math.max(...hit),
      kv_hit_rate_window: mean(g.map((r) => r.kvHitRateWindow)),
      memory_imbalance: mem.length ? mean(mem) : null,
      ...extraAgg(g),
    });
  }
  return out;
}

const meanOrNull = (xs: ReadonlyArray<number | null>): number | null =>
  xs.some((x) => x === null) ? null : mean(xs as number[]);

/** The scenario measures of one group of seeds. */
function extraAgg(g: readonly RunRow[]) {
  const gaps = g.map((r) => r.booksGap);
  return {
    scenario: g[0]!.scenario,
    system_name: g[0]!.systemName,
    slo_s: g[0]!.sloS,
    goodput_per_min: mean(g.map((r) => r.goodputPerMin)),
    goodput_share: mean(g.map((r) => r.goodputShare)),
    step_p50_s: mean(g.map((r) => r.stepP50S)),
    step_p99_s: mean(g.map((r) => r.stepP99S)),
    longest_wait_s: Math.max(...g.map((r) => r.longestWaitS)),
    router_pauses: meanOrNull(g.map((r) => r.routerPauses)),
    pause_gini: mean(g.map((r) => r.pauseGini)),
    resumes_moved: meanOrNull(g.map((r) => r.resumesMoved)),
    origin_resumes: meanOrNull(g.map((r) => r.originResumes)),
    books_gap_max: gaps.some((x) => x === null) ? null : Math.max(...(gaps as number[])),
  };
}

export function findAgg(
  rows: readonly AggRow[],
  profile: ProfileName,
  n: number,
  system: string,
): AggRow | undefined {
  return rows.find((r) => r.profile === profile && r.n === n && r.system === system);
}
