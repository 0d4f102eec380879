/**
 * The systems compared, the sweeps, and the job description a worker runs. A job is plain data
 * (it crosses a worker_threads boundary).
 * @module
 */
import { ORIGINAL_THUNDERAGENT_OPTIONS } from "@thunderagent/router-core";
import type { ScrapePolicy } from "./scrape-policy.js";
import type { ProfileName, WorkloadParams } from "./workload.js";

export const SYSTEMS = [
  "vllm",
  "router-default",
  "router-tr",
  "router-tr-decay",
  "continuum",
] as const;
export type SystemName = (typeof SYSTEMS)[number];

/** Data-parallel routing: one router over all replicas, or one router (or pin) per replica. */
export type DpRouting = "global" | "sticky";

/** Overrides of the engine profile's numbers (calibration knobs). */
export interface EngineOverrides {
  numGpuBlocks?: number;
  timing?: Partial<{
    prefillBaseUs: number;
    prefillPerKUs: number;
    decodeBaseMs: number;
    decodePerSeqMs: number;
    decodePerMTokMs: number;
  }>;
}

export interface Job {
  profile: ProfileName;
  n: number;
  system: SystemName;
  seed: number;
  backends: number;
  routing: DpRouting;
  /** Extra RouterOptions fields (policy experiments); the paper's behaviour when absent. */
  routerOptions?: Record<string, unknown>;
  /** A capacity-model proposal emulated on the scrape (scrape-policy.ts). */
  scrapePolicy?: ScrapePolicy;
  workload?: Partial<WorkloadParams>;
  engine?: EngineOverrides;
  durationS?: number;
  /** Seconds between router ticks (and metric scrapes); default 5, the original's. */
  schedulerIntervalS?: number;
  /** Counting window (default minutes 10–70). */
  window?: { startS: number; endS: number };
  /** Free-form tag to tell experiment variants apart in reports. */
  variant?: string;
  /** Keep the memory samples in the result (DP runs). */
  keepMemory?: boolean;
}

export const GLM_NS = [24, 48, 72, 96] as const;
export const QWEN_NS = [144, 168, 192] as const;

/**
 * router-tr with the original ThunderAgent's policy: router-core's ORIGINAL_THUNDERAGENT_OPTIONS
 * as a whole (buffer 100, no sharing credit, every reasoning program marked on a full backend,
 * and the original's orderings and quirks the conformance replay pinned down). Plain `router-tr`
 * runs router-core's defaults (docs/results/scheduling.md).
 */
export const ORIGINAL_VARIANT = "original policy";
const { mode: _mode, profile: _profile, ...originalPolicy } = ORIGINAL_THUNDERAGENT_OPTIONS;
export const ORIGINAL_POLICY_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({
  ...originalPolicy,
});
const ORIGINAL: Partial<Job> = {
  variant: ORIGINAL_VARIANT,
  routerOptions: { ...ORIGINAL_POLICY_OPTIONS },
};

export function job(
  profile: ProfileName,
  n: number,
  system: SystemName,
  seed: number,
  extra: Partial<Job> = {},
): Job {
  return { profile, n, system, seed, backends: 1, routing: "global", ...extra };
}

/** The sweep. `quick` is GLM N = 24 and 96 only. */
export function sweepJobs(opts: { quick: boolean; seeds: number; firstSeed: number }): Job[] {
  const jobs: Job[] = [];
  for (let s = 0; s < opts.seeds; s++) {
    const seed = opts.firstSeed + s;
    const glm = opts.quick ? [24, 96] : GLM_NS;
    for (const n of glm) for (const sys of SYSTEMS) jobs.push(job("glm4.6", n, sys, seed));
    if (opts.quick) continue;
    for (const n of QWEN_NS) for (const sys of SYSTEMS) jobs.push(job("qwen3-235b", n, sys, seed));
    for (const n of GLM_NS) jobs.push(job("glm4.6", n, "router-tr", seed, ORIGINAL));
    for (const n of QWEN_NS) jobs.push(job("qwen3-235b", n, "router-tr", seed, ORIGINAL));
    const dp = { backends: 2, keepMemory: true } as const;
    jobs.push(job("glm4.6", 192, "vllm", seed, { ...dp, routing: "sticky" }));
    jobs.push(job("glm4.6", 192, "router-tr", seed, { ...dp, routing: "global" }));
    jobs.push(job("glm4.6", 192, "router-tr", seed, { ...dp, routing: "sticky" }));
  }
  return jobs;
}

export function jobLabel(j: Job): string {
  const dp = j.backends > 1 ? ` dp${j.backends}-${j.routing}` : "";
  const v = j.variant ? ` [${j.variant}]` : "";
  return `${j.profile} N=${j.n} ${j.system}${dp}${v} seed=${j.seed}`;
}
