/**
 * One sweep cell in virtual time: bench:sched's simulation (engine-sim's EngineModel with the
 * calibrated profile, router-core's Router, the agent workload), imported from apps/bench and run
 * in this process: the paper's N, 70 simulated minutes in seconds. Nothing here re-implements it;
 * this file only turns a cell into bench's job and bench's row into a cell result.
 *
 * apps/bench depends on this package (bench:vs-original drives reproduce's pipeline), so the
 * simulation cannot be a declared dependency of reproduce without a cycle: it is loaded from the
 * repository checkout at run time (tsx runs the TypeScript sources). Installed from npm, without
 * the checkout, `--virtual` refuses with a message.
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ProfileName } from "@thunderagent/engine-sim/profiles";
import type { ReproduceSystem, SweepCellKey, SweepCellResult } from "@thunderagent/protocol";
import { ReproduceError } from "../errors.js";
import { REPO_ROOT } from "../facts.js";

const SCHED = join(REPO_ROOT, "apps", "bench", "src", "sched");

/** The fields of bench's `Job` and `RunRow` (apps/bench/src/sched) this module uses. */
interface SchedJob {
  readonly seed: number;
}
interface SchedRow {
  readonly stepsPerMin: number;
  readonly kvHitRate: number;
  readonly stepsPerMinute: readonly number[];
  readonly preemptions: number;
  readonly programsFinished: number;
  readonly wallS: number;
}
interface SchedLib {
  job(
    profile: ProfileName,
    n: number,
    system: string,
    seed: number,
    extra?: { window?: { startS: number; endS: number }; durationS?: number },
  ): SchedJob;
  runJob(job: SchedJob): SchedRow;
}

let lib: Promise<SchedLib> | null = null;

/** bench:sched's `job` and `runJob`, from the checkout. */
export function loadSched(): Promise<SchedLib> {
  lib ??= (async () => {
    const files = ["systems.ts", "run-job.ts"].map((f) => join(SCHED, f));
    const missing = files.filter((f) => !existsSync(f));
    if (missing.length > 0) {
      throw new ReproduceError(
        "invalid_plan",
        `--virtual runs bench:sched's simulation from this repository's checkout; ${missing.join(", ")} is missing (installed from npm, use --simulate without --virtual)`,
      );
    }
    const [systems, runJob] = (await Promise.all(
      files.map((f) => import(pathToFileURL(f).href)),
    )) as [Pick<SchedLib, "job">, Pick<SchedLib, "runJob">];
    return { job: systems.job, runJob: runJob.runJob };
  })();
  return lib;
}

/** bench:sched's system for each of ours: router-core's defaults (what the proxy runs), plain vLLM. */
const SCHED_SYSTEM: Record<ReproduceSystem, string> = { thunderagent: "router-tr", vllm: "vllm" };

export interface VirtualCellSettings {
  readonly profile: ProfileName;
  readonly window: { readonly startMin: number; readonly endMin: number };
  /** Simulated minutes to run (default: the window's end). */
  readonly durationMin: number;
}

export async function runVirtualCell(
  s: VirtualCellSettings,
  cell: SweepCellKey,
): Promise<SweepCellResult> {
  const sched = await loadSched();
  const seed = cell.round;
  const startedAt = Date.now() / 1000;
  const row = sched.runJob(
    sched.job(s.profile, cell.n, SCHED_SYSTEM[cell.system], seed, {
      window: { startS: s.window.startMin * 60, endS: s.window.endMin * 60 },
      durationS: s.durationMin * 60,
    }),
  );
  const stoppedAt = Date.now() / 1000;
  const series = row.stepsPerMinute.slice(0, Math.floor(s.durationMin));
  const counted = Math.round(row.stepsPerMin * (s.window.endMin - s.window.startMin));
  return {
    schema_version: 1,
    cell,
    mode: "virtual",
    started_at: startedAt,
    stopped_at: stoppedAt,
    steps_counted: counted,
    steps_per_min: row.stepsPerMin,
    total_steps: Math.round(series.reduce((a, b) => a + b, 0)),
    steps_per_minute_series: [...series],
    kv_hit_rate: row.kvHitRate,
    source: `bench:sched ${SCHED_SYSTEM[cell.system]} (virtual time, seed ${seed})`,
    seed,
    notes: [
      `${row.preemptions} preemptions in the window, ${row.programsFinished} programs finished, ${row.wallS.toFixed(1)} s of wall time`,
    ],
  };
}
