/**
 * The report `pnpm reproduce` writes: for each system run (router or plain-vLLM baseline), the LLM
 * calls completed inside the measurement window and steps/min = calls ÷ window minutes.
 * @module
 */
import { z } from "zod";

export const ReproduceSystem = z.enum(["thunderagent", "vllm"]);
export type ReproduceSystem = z.infer<typeof ReproduceSystem>;

export const MeasurementWindow = z
  .strictObject({
    start_min: z.number().nonnegative(),
    end_min: z.number().positive(),
  })
  .refine((w) => w.end_min > w.start_min, {
    message: "end_min must be greater than start_min",
    path: ["end_min"],
  });
export type MeasurementWindow = z.infer<typeof MeasurementWindow>;

export const ReproduceRun = z.strictObject({
  system: ReproduceSystem,
  /** Unix seconds at which the run's clock starts (the router, or the baseline's runner). */
  started_at: z.number(),
  steps_counted: z.number().int().nonnegative(),
  steps_per_min: z.number().nonnegative(),
  total_steps: z.number().int().nonnegative(),
  /** Steps completed in each minute since `started_at`. */
  steps_per_minute_series: z.array(z.number().int().nonnegative()),
  /** The file the steps were counted from. */
  source: z.string(),
  workers: z.number().int().positive(),
  kv_hit_rate: z.number().min(0).max(1).nullable(),
});
export type ReproduceRun = z.infer<typeof ReproduceRun>;

export const ReproduceReport = z.strictObject({
  schema_version: z.literal(1),
  preset: z.string().min(1),
  model: z.string().min(1),
  mode: z.enum(["real", "simulated"]),
  generated_at: z.string(),
  window: MeasurementWindow,
  /** Simulated runs only: real seconds per simulated second. */
  time_scale: z.number().positive().nullable(),
  runs: z.array(ReproduceRun).min(1),
  /** thunderagent steps/min ÷ vllm steps/min, when both ran. */
  speedup: z.number().nonnegative().nullable(),
  plots: z.array(z.string()),
});
export type ReproduceReport = z.infer<typeof ReproduceReport>;
