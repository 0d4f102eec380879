/**
 * Running a sweep whose manifest is written: the environment record, the cell runner of its mode
 * (the pipeline for real and simulated sweeps, bench:sched's simulation for virtual ones), the
 * cells under one supervisor (every process stopped on every way out), then the report.
 * @module
 */
import { join } from "node:path";
import type { SweepManifest } from "@thunderagent/protocol";
import { writeFileAtomic } from "@thunderagent/swebench";
import { GpuCheckError } from "../gpu-check.js";
import type { Options } from "../options.js";
import { PlanError } from "../plan-types.js";
import { PRESETS } from "../presets.js";
import { baseFacts, gpuSets, missingPieces, prepareDataset } from "../run-setup.js";
import { log, supervised } from "../supervised.js";
import { planCell, runPipelineCell, type PipelineCellDeps } from "./cell-pipeline.js";
import { loadSched, runVirtualCell } from "./cell-virtual.js";
import { PreflightError } from "./preflight.js";
import { sweepEnvironment } from "./record.js";
import { runSweep } from "./run-sweep.js";
import { writeSweepReport } from "./sweep-report.js";

const progress = (line: string) => process.stderr.write(`[reproduce] ${line}\n`);

function exitCodeOf(err: unknown): number {
  return err instanceof PreflightError ? 2 : 1;
}

async function pipelineDeps(o: Options, m: SweepManifest, dir: string): Promise<PipelineCellDeps> {
  const sets = await gpuSets(o, []);
  const environment = await sweepEnvironment(m.mode, o.backends);
  await writeFileAtomic(join(dir, "environment.json"), `${JSON.stringify(environment, null, 2)}\n`);
  return {
    options: o,
    facts: baseFacts(o, sets),
    sweepDir: dir,
    environment,
    prepareDataset: (plan) => prepareDataset(plan, log),
  };
}

/** Refusals before the first cell: the plan of a cell, the checkout's entry points. */
function checkPlannable(deps: PipelineCellDeps, m: SweepManifest): number {
  const first = m.cells[0];
  if (!first) return 0;
  const plan = planCell(deps, first);
  const missing = missingPieces(plan);
  if (missing.length > 0) throw new PlanError(`this checkout lacks ${missing.join(", ")}`);
  return (plan.stopAfterMin ?? plan.window.endMin) * plan.minuteS + 30;
}

export async function executeSweep(o: Options, m: SweepManifest, dir: string): Promise<number> {
  let deps: PipelineCellDeps | null = null;
  let plannedCellS = 5;
  try {
    if (m.mode === "virtual") await loadSched();
    else {
      deps = await pipelineDeps(o, m, dir);
      plannedCellS = checkPlannable(deps, m);
    }
  } catch (err) {
    if (err instanceof GpuCheckError || err instanceof PlanError) {
      process.stderr.write(`reproduce: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const d = deps;
  return supervised(
    o.graceS,
    join(dir, "pids.json"),
    async ({ supervisor, signal, stopAll }) => {
      const virtual = {
        profile: PRESETS[o.preset].simProfile,
        window: o.window,
        durationMin: o.durationMin ?? o.window.endMin,
      };
      const outcome = await runSweep({
        sweepDir: dir,
        manifest: m,
        log,
        progress,
        plannedCellS,
        // A cell's processes are stopped by runPlan when it ends; a failing cell ends the sweep
        // (resumable), and `supervised` stops whatever is left.
        runCell: (cell) =>
          d ? runPipelineCell(d, cell, { supervisor, signal, log }) : runVirtualCell(virtual, cell),
      });
      await stopAll();
      const { report, json, markdown } = await writeSweepReport(dir, m, outcome.results);
      const out = [""];
      for (const p of report.points) {
        out.push(
          `N=${p.n} ${p.system}: ${p.steps_per_min.mean.toFixed(1)} steps/min (${p.rounds} round${p.rounds > 1 ? "s" : ""})`,
        );
      }
      for (const s of report.speedups) out.push(`N=${s.n}: ${s.speedup.toFixed(2)}×`);
      out.push(`report: ${json}`, `        ${markdown}`);
      for (const f of report.figures) out.push(`figure: ${f}`);
      process.stdout.write(`${out.join("\n")}\n`);
      return 0;
    },
    exitCodeOf,
  );
}
