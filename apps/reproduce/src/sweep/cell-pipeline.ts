/**
 * One sweep cell on the real pipeline (vLLM, or engine-sim with --simulate): the sweep's options
 * with this cell's N and system, planned by `buildPlan` into the cell's directory and run by
 * `runPlan`, exactly as a single `pnpm reproduce` run. The cell's own report (with its timeline)
 * and its record (commands, versions, scrapes) are written beside the result.
 * @module
 */
import { join } from "node:path";
import type { SweepCellKey, SweepCellResult } from "@thunderagent/protocol";
import type { Options } from "../options.js";
import { buildPlan } from "../plan.js";
import type { Plan, PlanFacts } from "../plan-types.js";
import { buildReport, writeReport } from "../report.js";
import { runPlan, type SystemOutcome } from "../run.js";
import type { RunContext } from "../run-context.js";
import { writeCellRecord, type SweepEnvironment } from "./record.js";
import { checkBackend, checkRouter } from "./preflight.js";
import { saveScrapes } from "./scrapes.js";
import { cellDir } from "./store.js";

export interface PipelineCellDeps {
  readonly options: Options;
  /** The facts without the run id (the cell's id is the run id). */
  readonly facts: Omit<PlanFacts, "runId">;
  readonly sweepDir: string;
  readonly environment: SweepEnvironment;
  /** Writes the simulated run's dataset before the runner starts (main's prepareDataset). */
  readonly prepareDataset: (plan: Plan) => Promise<void>;
}

export function cellOptions(o: Options, sweepDir: string, cell: SweepCellKey): Options {
  const dir = cellDir(sweepDir, cell.id);
  return {
    ...o,
    workers: cell.n,
    compare: false,
    baseline: cell.system === "vllm",
    logsDir: join(sweepDir, "cells"),
    output: join(dir, "output"),
    profileDir: join(dir, "router_metrics"),
    report: join(dir, "report.json"),
  };
}

export function planCell(
  deps: Pick<PipelineCellDeps, "options" | "facts" | "sweepDir">,
  cell: SweepCellKey,
): Plan {
  return buildPlan(cellOptions(deps.options, deps.sweepDir, cell), {
    ...deps.facts,
    runId: cell.id,
  });
}

/** Before the runners: every engine serves the model, the router answers; the first scrapes. */
function preflight(o: Options, plan: Plan, dir: string): NonNullable<RunContext["beforeRunners"]> {
  return async (sys) => {
    const model = o.servedModelName ?? plan.model;
    for (const url of sys.engineUrls) await checkBackend(url, model);
    if (sys.proxy?.health) await checkRouter(sys.proxy.health.url.replace(/\/health$/, ""));
    await saveScrapes(dir, sys, "start");
  };
}

function toResult(plan: Plan, cell: SweepCellKey, out: SystemOutcome): SweepCellResult {
  const c = out.result.count;
  return {
    schema_version: 1,
    cell,
    mode: plan.mode,
    started_at: out.result.startedAt,
    stopped_at: out.stoppedAt,
    steps_counted: c.stepsCounted,
    steps_per_min: c.stepsPerMin,
    total_steps: c.totalSteps,
    steps_per_minute_series: c.series,
    kv_hit_rate: c.kvHitRate ?? out.metered?.kvHitRate ?? null,
    source: out.result.source,
    seed: null,
    notes: out.notes,
  };
}

export async function runPipelineCell(
  deps: PipelineCellDeps,
  cell: SweepCellKey,
  ctx: RunContext,
): Promise<SweepCellResult> {
  const plan = planCell(deps, cell);
  await deps.prepareDataset(plan);
  const startedAt = Date.now() / 1000;
  const dir = cellDir(deps.sweepDir, cell.id);
  const [out] = await runPlan(plan, {
    ...ctx,
    beforeRunners: preflight(deps.options, plan, dir),
    afterWindow: (sys) => saveScrapes(dir, sys, "end"),
  });
  if (!out) throw new Error(`cell ${cell.id}: the plan ran no system`);
  const result = toResult(plan, cell, out);
  await writeReport(plan.reportPath, (plots) => buildReport(plan, [out.result], plots), null, [
    ...out.notes,
  ]);
  await writeCellRecord(dir, {
    plan,
    environment: deps.environment,
    startedAt,
    stoppedAt: Date.now() / 1000,
    samples: out.samples,
  });
  return result;
}
