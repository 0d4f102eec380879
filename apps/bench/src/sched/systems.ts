/**
 * The systems compared, the sweeps, and the job description a worker runs. A job is plain data
 * (it crosses a worker_threads boundary).
 * @module
 */
import { ORIGINAL_THUNDERAGENT_OPTIONS } from "@thunderagent/router-core";
import type { ArrivalSpec, ClientSpec } from "./clients.js";
import type { ScrapePolicy } from "./scrape-policy.js";
import type { ProfileName, ScriptSpec, WorkloadParams } from "./workload.js";

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

/** Overrides of the engine profile's numbers (calibration knobs; a scenario's engine). */
export interface EngineOverrides {
  numGpuBlocks?: number;
  blockSize?: number;
  maxNumBatchedTokens?: number;
  maxNumSeqs?: number;
  maxModelLen?: number;
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
  /** The scenario file's name (scenario runs and the matrix). */
  scenario?: string;
  /** The system's name in the scenario file (the matrix's column). */
  systemName?: string;
  /** A mix of workload classes or a recorded trace in place of the workload's generator. */
  scripts?: ScriptSpec;
  /** Releases and groups (default: releases, no groups). */
  clients?: ClientSpec;
  /** When the agents start (default: all at t = 0). */
  arrival?: ArrivalSpec;
  /** Goodput SLO on first token − sent, seconds (default 10). */
  sloS?: number;
}

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

export function job(
  profile: ProfileName,
  n: number,
  system: SystemName,
  seed: number,
  extra: Partial<Job> = {},
): Job {
  return { profile, n, system, seed, backends: 1, routing: "global", ...extra };
}

export function jobLabel(j: Job): string {
  const dp = j.backends > 1 ? ` dp${j.backends}-${j.routing}` : "";
  const v = j.variant ? ` [${j.variant}]` : "";
  const sc = j.scenario ? `${j.scenario}: ` : "";
  return `${sc}${j.profile} N=${j.n} ${j.system}${dp}${v} seed=${j.seed}`;
}
