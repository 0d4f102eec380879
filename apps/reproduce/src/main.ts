/**
 * `pnpm reproduce <preset> [flags]`: wiring only. Flags → GPU check → plan → (dry-run print) →
 * supervised run → report. Every exit path stops what was started. Relative paths are the
 * caller's (INIT_CWD under pnpm, else the cwd).
 * @module
 */
import { join } from "node:path";
import { optionsOrExitCode } from "@thunderagent/cli-kit";
import { makeRunId } from "./facts.js";
import { GpuCheckError } from "./gpu-check.js";
import { readCommandLine, type Options } from "./options.js";
import { buildPlan } from "./plan.js";
import { PlanError, type Plan } from "./plan-types.js";
import { formatPlan } from "./dry-run.js";
import { buildReport, writeReport } from "./report.js";
import { runPlan, type SystemOutcome } from "./run.js";
import { baseFacts, gpuSets, missingPieces, prepareDataset } from "./run-setup.js";
import { log, supervised } from "./supervised.js";
import { resumeArgs, resumeMain, sweepMain } from "./sweep/sweep-main.js";

/** The plan, or the exit code (a dry run printed: 0; a refused plan or missing piece: 1). */
async function makePlan(o: Options): Promise<Plan | number> {
  const notes: string[] = [];
  let plan: Plan;
  try {
    const sets = await gpuSets(o, notes);
    plan = buildPlan(o, { ...baseFacts(o, sets), runId: makeRunId(o.preset, o.simulate) });
  } catch (err) {
    if (err instanceof GpuCheckError || err instanceof PlanError) {
      process.stderr.write(`reproduce: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (o.dryRun) {
    process.stdout.write(`${formatPlan({ ...plan, notes: [...plan.notes, ...notes] })}\n`);
    return 0;
  }
  const missing = missingPieces(plan);
  if (missing.length > 0) {
    process.stderr.write(
      `reproduce: this checkout lacks ${missing.join(", ")}; the pipeline cannot run without ${missing.length === 1 ? "it" : "them"}.\n`,
    );
    return 1;
  }
  return plan;
}

/** Writes the report (JSON, markdown, plots) and prints steps/min, the ratio and where it went. */
async function report(plan: Plan, outcomes: readonly SystemOutcome[]): Promise<void> {
  const results = outcomes.map((x) => x.result);
  const runNotes = outcomes.flatMap((x) => x.notes);
  if (plan.mode === "simulated") {
    runNotes.push(
      `Simulated: engine-sim profile ${plan.preset.simProfile}, ${plan.workers} agents, time scale ${plan.timeScale}; ` +
        "the clock starts with the first served call; the paper's numbers are for 8×H100 and its own agent count.",
    );
  }
  const written = await writeReport(
    plan.reportPath,
    (plots) => buildReport(plan, results, plots),
    {
      thunderagent: plan.preset.paperStepsPerMin.thunderagent,
      vllm: plan.preset.paperStepsPerMin.vllm,
      workers: plan.preset.paperWorkers,
    },
    runNotes,
  );
  const out: string[] = [""];
  for (const r of written.report.runs) {
    out.push(
      `${r.system === "thunderagent" ? "ThunderAgent (router)" : "vLLM (baseline)"}: ${r.steps_per_min.toFixed(1)} steps/min ` +
        `(${r.steps_counted} steps in ${plan.mode === "simulated" ? "simulated " : ""}minutes ${plan.window.startMin}–${plan.window.endMin})`,
    );
  }
  if (written.report.speedup !== null) out.push(`ratio: ${written.report.speedup.toFixed(2)}×`);
  out.push(`report: ${written.json}`, `        ${written.markdown}`);
  for (const p of written.plots) out.push(`plot:   ${p}`);
  process.stdout.write(`${out.join("\n")}\n`);
}

/** The supervised run: every process stopped on every way out. */
function execute(plan: Plan): Promise<number> {
  return supervised(
    plan.graceS,
    join(plan.runDir, "pids.json"),
    async ({ supervisor, signal, stopAll }) => {
      log(`run ${plan.runId}: logs in ${plan.runDir}`);
      for (const n of plan.notes) log(`note: ${n}`);
      await prepareDataset(plan, log);
      const outcomes = await runPlan(plan, { supervisor, signal, log });
      await stopAll();
      await report(plan, outcomes);
      return 0;
    },
  );
}

async function main(argv: string[]): Promise<number> {
  const resume = resumeArgs(argv);
  if (resume) {
    if (resume.rest.length > 1 || resume.rest.some((a) => a.startsWith("-"))) {
      process.stderr.write(
        "reproduce: --resume takes the sweep's flags from DIR/sweep.json; give --resume DIR alone (or after the preset)\n",
      );
      return 2;
    }
    return resumeMain(resume.dir, resume.rest[0]);
  }
  const o = await optionsOrExitCode("reproduce", () => readCommandLine(argv, { env: process.env }));
  if (typeof o === "number") return o;
  if (o.sweep !== undefined || o.resume !== undefined) return sweepMain(o, argv);
  const plan = await makePlan(o);
  if (typeof plan === "number") return plan;
  return execute(plan);
}

process.exitCode = await main(process.argv.slice(2));
// Children are stopped; do not wait on stray handles (sockets kept alive by undici, timers).
process.exit(process.exitCode);
