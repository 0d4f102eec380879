/**
 * `pnpm reproduce --sweep`: a run directory with one cell per (N, system, round). The manifest
 * says what the sweep is (written once, read back by `--resume`), each finished cell leaves a
 * result file (written atomically: present = finished), and the sweep report aggregates them.
 * @module
 */
import { z } from "zod";
import { MeasurementWindow, ReproduceSystem } from "./reproduce-report.js";

/**
 * How the cells ran: `real` (vLLM), `simulated` (the real pipeline on engine-sim, time-compressed),
 * `virtual` (bench:sched's virtual-time simulation: engine model and router in one process).
 */
export const SweepMode = z.enum(["real", "simulated", "virtual"]);
export type SweepMode = z.infer<typeof SweepMode>;

export const SweepCellKey = z.strictObject({
  /** `n096-thunderagent-r1`: the cell's directory name. */
  id: z.string().regex(/^n\d+-[a-z]+-r\d+$/),
  n: z.number().int().positive(),
  system: ReproduceSystem,
  round: z.number().int().positive(),
});
export type SweepCellKey = z.infer<typeof SweepCellKey>;

export const SweepManifest = z.strictObject({
  schema_version: z.literal(1),
  sweep_id: z.string().min(1),
  preset: z.string().min(1),
  model: z.string().min(1),
  mode: SweepMode,
  created_at: z.string(),
  /** The command line the sweep was started with (`--resume` re-reads it). */
  argv: z.array(z.string()),
  ns: z.array(z.number().int().positive()).min(1),
  systems: z.array(ReproduceSystem).min(1),
  repeat: z.number().int().positive(),
  window: MeasurementWindow,
  /** Cells in the order they run: rounds outermost, so repeats are interleaved. */
  cells: z.array(SweepCellKey).min(1),
});
export type SweepManifest = z.infer<typeof SweepManifest>;

export const SweepCellResult = z.strictObject({
  schema_version: z.literal(1),
  cell: SweepCellKey,
  mode: SweepMode,
  /** Unix seconds: when the cell's processes (or simulation) started and stopped. */
  started_at: z.number(),
  stopped_at: z.number(),
  steps_counted: z.number().int().nonnegative(),
  steps_per_min: z.number().nonnegative(),
  total_steps: z.number().int().nonnegative(),
  /** Steps in each whole minute of the run (the partial last minute is left out). */
  steps_per_minute_series: z.array(z.number().nonnegative()),
  kv_hit_rate: z.number().min(0).max(1).nullable(),
  /** Where the steps were counted from (a file, the engines' /metrics, the simulation). */
  source: z.string(),
  /** Seed of a virtual cell; null otherwise. */
  seed: z.number().int().nullable(),
  notes: z.array(z.string()),
});
export type SweepCellResult = z.infer<typeof SweepCellResult>;

/** Mean and spread over a (N, system)'s rounds. */
export const SweepStat = z.strictObject({
  mean: z.number(),
  min: z.number(),
  max: z.number(),
  sd: z.number().nonnegative(),
});
export type SweepStat = z.infer<typeof SweepStat>;

export const SweepPoint = z.strictObject({
  n: z.number().int().positive(),
  system: ReproduceSystem,
  rounds: z.number().int().positive(),
  steps_per_min: SweepStat,
  kv_hit_rate: SweepStat.nullable(),
  /** The paper's measured point for this (N, system), when it has one. */
  paper: z.strictObject({ steps_per_min: z.number(), kv_hit_rate: z.number() }).nullable(),
});
export type SweepPoint = z.infer<typeof SweepPoint>;

export const SweepReport = z.strictObject({
  schema_version: z.literal(1),
  sweep_id: z.string().min(1),
  preset: z.string().min(1),
  model: z.string().min(1),
  mode: SweepMode,
  generated_at: z.string(),
  window: MeasurementWindow,
  /** What this mode can show and what it cannot (the report's own words). */
  scope: z.strictObject({ can_show: z.array(z.string()), cannot_show: z.array(z.string()) }),
  cells_planned: z.number().int().positive(),
  cells_finished: z.number().int().nonnegative(),
  points: z.array(SweepPoint),
  /** ThunderAgent mean ÷ vLLM mean per N (both measured). */
  speedups: z.array(z.strictObject({ n: z.number().int().positive(), speedup: z.number() })),
  figures: z.array(z.string()),
  cells: z.array(SweepCellResult),
});
export type SweepReport = z.infer<typeof SweepReport>;
