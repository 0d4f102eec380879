/**
 * One run of the comparison: reproduce's plan for one router, run by reproduce's `runPlan` under
 * its `Supervisor` (every process in its own group, all of them stopped on every exit path), with
 * the engines' counters and the router's state watched alongside. Returns the run's row.
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  ChildFailedError,
  HealthTimeoutError,
  Supervisor,
  findSampleDataset,
  repeatsNeeded,
  runPlan,
  writeRepeatedDataset,
  type Plan,
  type SystemOutcome,
} from "@thunderagent/reproduce";
import { BenchError } from "../errors.js";
import { readWindowStats, type ProfileWindowStats } from "./profile-stats.js";
import { RouterSampler, type RouterStateSummary } from "./router-sampler.js";
import { ORIGINAL_PROCESS, type ScheduledRun, type VsSystem } from "./systems.js";

export interface RunRow {
  readonly round: number;
  readonly position: number;
  readonly system: VsSystem;
  readonly run_id: string;
  /** Unix s at which the simulated clock started (the first served call). */
  readonly started_at: number;
  readonly window: { readonly start_min: number; readonly end_min: number };
  readonly time_scale: number | null;
  readonly workers: number;
  /** Steps in the window from the router's step_profiles.csv, as reproduce counts them. */
  readonly steps_counted: number;
  readonly steps_per_min: number;
  readonly total_steps: number;
  /** The engine's prefix-cache hits ÷ queries over the window (its /metrics counters). */
  readonly window_kv_hit_rate: number | null;
  /** Calls the engine served in the window (cross-check of steps_counted). */
  readonly engine_steps_counted: number | null;
  readonly profile: ProfileWindowStats | null;
  readonly router_state: RouterStateSummary;
  readonly profile_csv: string;
  readonly run_dir: string;
  readonly notes: readonly string[];
}

/** The Python original's command failed before its router answered: exit code 2. */
export class OriginalCmdError extends BenchError {
  override readonly name: string = "OriginalCmdError";
  constructor(message: string) {
    super("original_failed", message);
  }
}

/** The first line of a supervisor/health error and the last line of the log it quotes. */
export function oneLine(message: string): string {
  const [head, ...rest] = message.split("\n");
  const first = (head ?? "").replace(/; last lines of .*$/, "");
  const last = rest
    .map((l) => l.trim())
    .filter((l) => l !== "" && l !== "(no log)")
    .at(-1);
  return last ? `${first}: ${last}` : first;
}

async function lastLogLine(path: string): Promise<string | null> {
  try {
    const lines = (await readFile(path, "utf8")).split("\n").map((l) => l.trim());
    return lines.filter((l) => l !== "").at(-1) ?? null;
  } catch {
    return null;
  }
}

async function countLines(path: string): Promise<number> {
  const text = (await readFile(path, "utf8")).trim();
  if (text.startsWith("[")) return (JSON.parse(text) as unknown[]).length;
  return text.split(/\r?\n/).filter((l) => l.trim() !== "").length;
}

export interface ExecuteContext {
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  readonly graceS: number;
}

export async function executeRun(
  run: ScheduledRun,
  plan: Plan,
  ctx: ExecuteContext,
): Promise<RunRow> {
  const sys = plan.systems[0];
  if (!sys?.proxy || sys.stepSource.kind !== "profile-csv") {
    throw new BenchError(
      "invalid_plan",
      "the vs-original plan must be a router run with a profile CSV",
    );
  }
  const supervisor = new Supervisor({
    graceS: ctx.graceS,
    pidFile: join(plan.runDir, "pids.json"),
    log: ctx.log,
  });
  const health = sys.proxy.health?.url ?? "";
  const sampler = new RouterSampler(
    health.replace(/\/health$/, ""),
    plan.runDir,
    Math.max(0.5, plan.minuteS / 2),
    20,
  );
  let healthy = false;
  const log = (line: string) => {
    if (/^proxy healthy after/.test(line)) healthy = true;
    ctx.log(line);
  };
  try {
    await prepareDataset(plan);
    await sampler.start();
    const [outcome] = await runPlan(plan, { supervisor, signal: ctx.signal, log });
    if (!outcome) throw new BenchError("no_outcome", "runPlan returned no outcome");
    return await rowOf(run, plan, sys.stepSource.path, outcome, sampler);
  } catch (err) {
    const isRouter =
      (err instanceof ChildFailedError || err instanceof HealthTimeoutError) &&
      err.message.startsWith(ORIGINAL_PROCESS);
    if (isRouter && !healthy) {
      // The log is read once everything is stopped: the tail quoted in the error may predate the
      // last lines reaching the file.
      sampler.stop();
      await supervisor.stopAll();
      const logLine = await lastLogLine(sys.proxy.logFile);
      const what = oneLine(err.message.split("\n")[0] ?? "").replace(`${ORIGINAL_PROCESS} `, "");
      throw new OriginalCmdError(
        `the Python original's router (--original-cmd) failed before it answered ${health}: ` +
          `${what}${logLine ? `: ${logLine}` : ""} (log: ${sys.proxy.logFile})`,
      );
    }
    throw err;
  } finally {
    sampler.stop();
    await supervisor.stopAll();
  }
}

/** The plan's dataset: the sample repeated until the workers cannot run out of instances. */
async function prepareDataset(plan: Plan): Promise<void> {
  if (!plan.dataset) return;
  const sample = findSampleDataset();
  if (!sample) {
    throw new BenchError("missing_dataset", "apps/swebench ships no sample dataset (sample.jsonl)");
  }
  const minutes = plan.stopAfterMin ?? plan.window.endMin;
  await writeRepeatedDataset(
    sample,
    plan.dataset.path,
    repeatsNeeded(await countLines(sample), plan.workers, minutes),
  );
}

/** The run's row: reproduce's count, the engine's meter, the profile CSV and the router samples. */
async function rowOf(
  run: ScheduledRun,
  plan: Plan,
  profileCsv: string,
  outcome: SystemOutcome,
  sampler: RouterSampler,
): Promise<RunRow> {
  const r = outcome.result;
  const t0 = r.startedAt;
  const from = t0 + plan.window.startMin * plan.minuteS;
  const to = t0 + plan.window.endMin * plan.minuteS;
  return {
    round: run.round,
    position: run.position,
    system: run.system,
    run_id: plan.runId,
    started_at: t0,
    window: { start_min: plan.window.startMin, end_min: plan.window.endMin },
    time_scale: plan.timeScale,
    workers: plan.workers,
    steps_counted: r.count.stepsCounted,
    steps_per_min: r.count.stepsPerMin,
    total_steps: r.count.totalSteps,
    window_kv_hit_rate: outcome.metered?.kvHitRate ?? null,
    engine_steps_counted: outcome.metered?.stepsCounted ?? null,
    profile: await readWindowStats(profileCsv, t0, plan.window, plan.minuteS),
    router_state: sampler.summary(from, to),
    profile_csv: profileCsv,
    run_dir: plan.runDir,
    notes: outcome.notes,
  };
}
