/**
 * Result rows: one per simulated run, then aggregated over seeds (mean and spread). The JSON file
 * carries the row shape `{profile, n, system, steps_per_min, kv_hit_rate, preemptions,
 * mean_step_s}` plus the spread and a few extra measures.
 * @module
 */
import type { MemorySample } from "./simulation.js";
import type { DpRouting, SystemName } from "./systems.js";
import type { ProfileName } from "./workload.js";

export interface RunRow {
  profile: ProfileName;
  n: number;
  system: SystemName;
  backends: number;
  routing: DpRouting;
  variant: string | null;
  seed: number;
  stepsPerMin: number;
  kvHitRate: number;
  kvHitRateWindow: number;
  preemptions: number;
  meanStepS: number;
  meanPauseS: number;
  totalPauseS: number;
  pausedStepShare: number;
  programsFinished: number;
  pauses: number;
  restores: number;
  migrations: number;
  stepsPerMinute: number[];
  memory: MemorySample[] | null;
  engineSteps: number;
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
    const k = `${r.profile}|${r.n}|${systemKey(r)}`;
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
    });
  }
  return out;
}

export function findAgg(
  rows: readonly AggRow[],
  profile: ProfileName,
  n: number,
  system: string,
): AggRow | undefined {
  return rows.find((r) => r.profile === profile && r.n === n && r.system === system);
}
