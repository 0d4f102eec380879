/**
 * `pnpm reproduce <preset> [flags]`: wiring only. Flags → GPU check → plan → (dry-run print) →
 * supervised run → report. Every exit path stops what was started. Relative paths are the
 * caller's (INIT_CWD under pnpm, else the cwd).
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  callerCwd,
  installShutdown,
  reportUsageError,
  resolveFromCaller,
  signalExitCode,
} from "@thunderagent/cli-kit";
import { REPO_ROOT, findHfCli, findSampleDataset, makeRunId } from "./facts.js";
import { GpuCheckError, assignGpus, queryGpus } from "./gpu-check.js";
import { readCommandLine, type Options } from "./options.js";
import { ENGINE_SIM_ENTRY, PROXY_ENTRY, RUNNER_ENTRY } from "./entries.js";
import { buildPlan } from "./plan.js";
import { PlanError, type Plan } from "./plan-types.js";
import { PRESETS } from "./presets.js";
import { formatPlan } from "./dry-run.js";
import { buildReport, writeReport } from "./report.js";
import { runPlan, type SystemOutcome } from "./run.js";
import { repeatsNeeded, writeRepeatedDataset } from "./simulate.js";
import { Supervisor } from "./supervisor.js";

class Interrupted extends Error {
  override readonly name = "Interrupted";
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

const log = (line: string) => process.stderr.write(`[reproduce] ${line}\n`);

/** After the grace period: the SIGKILLs, the wait for the last exits (supervisor.stopAll). */
const STOP_MARGIN_S = 20;

async function gpuSets(o: Options, notes: string[]): Promise<number[][] | null> {
  if (o.simulate || o.backends) return null;
  const preset = PRESETS[o.preset];
  try {
    const gpus = await queryGpus();
    return assignGpus(gpus, {
      model: o.model ?? preset.model,
      tensorParallelSize: o.tensorParallelSize ?? preset.tensorParallelSize,
      replicas: o.replicas,
      weightsGiB: o.model && o.model !== preset.model ? 0 : preset.weightsGiB,
      gpuMemoryUtilization: o.gpuMemoryUtilization ?? 0.9,
      cudaDevices: o.cudaDevices,
    });
  } catch (err) {
    if (o.dryRun && err instanceof GpuCheckError) {
      notes.push(`GPU check (a real run would stop here): ${err.message}`);
      return null;
    }
    throw err;
  }
}

/** Tests point this at stand-in entry points (apps/proxy/src/main.ts, …) of their own. */
const ENTRY_ROOT = process.env.REPRODUCE_ENTRY_ROOT ?? REPO_ROOT;

function missingPieces(plan: Plan): string[] {
  const entries = new Set<string>();
  for (const s of plan.systems) {
    if (s.engines.some((e) => e.command === process.execPath)) entries.add(ENGINE_SIM_ENTRY);
    if (s.proxy) entries.add(PROXY_ENTRY);
    entries.add(RUNNER_ENTRY);
  }
  return [...entries].filter((e) => !existsSync(join(ENTRY_ROOT, e)));
}

/** The options, or the exit code (`--help`/`--version` printed: 0; a usage error: 2). */
function readOptions(argv: string[]): Options | number {
  try {
    const cl = readCommandLine(argv, { env: process.env });
    if (!("kind" in cl)) return cl;
    process.stdout.write(cl.text);
    return 0;
  } catch (err) {
    const code = reportUsageError("reproduce", err);
    if (code !== undefined) return code;
    throw err;
  }
}

/** The plan, or the exit code (a dry run printed: 0; a refused plan or missing piece: 1). */
async function makePlan(o: Options): Promise<Plan | number> {
  const notes: string[] = [];
  let plan: Plan;
  try {
    const sets = await gpuSets(o, notes);
    plan = buildPlan(o, {
      root: REPO_ROOT,
      entryRoot: ENTRY_ROOT,
      cwd: callerCwd(),
      execPath: process.execPath,
      hfCli: findHfCli(),
      hfHome: o.hfHome !== undefined ? resolveFromCaller(o.hfHome) : process.env.HF_HOME,
      gpuSets: sets,
      runId: makeRunId(o.preset, o.simulate),
    });
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

/** Simulated runs: the sample dataset repeated enough for the run's minutes. */
async function prepareDataset(plan: Plan): Promise<void> {
  if (!plan.dataset) return;
  const sample = findSampleDataset(ENTRY_ROOT);
  if (!sample) {
    throw new Error("apps/swebench ships no sample dataset (sample.jsonl); --simulate needs it");
  }
  const minutes = plan.stopAfterMin ?? plan.window.endMin;
  const lines = await writeRepeatedDataset(
    sample,
    plan.dataset.path,
    repeatsNeeded(await countLines(sample), plan.workers, minutes),
  );
  log(`dataset: ${lines} instances (the sample, repeated) in ${plan.dataset.path}`);
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

/**
 * SIGINT/SIGTERM/SIGHUP (or the launcher's stop request) abort the run: every child group gets
 * SIGTERM, then SIGKILL after the grace period; past that and a margin the process exits anyway.
 * A second signal SIGKILLs every child group and exits at once (cli-kit's installShutdown). An
 * unexpected error stops everything and exits 1.
 */
function onStop(
  ac: AbortController,
  supervisor: Supervisor,
  stopAll: () => Promise<void>,
  graceS: number,
): void {
  installShutdown({
    name: "reproduce",
    drainMs: (graceS + STOP_MARGIN_S) * 1000,
    onStop: ({ signal }) => {
      log(`${signal}: stopping everything this run started`);
      ac.abort(new Interrupted(signal));
    },
    onSecondSignal: (signal) => {
      log(`${signal} again: killing every process this run started, exiting`);
      supervisor.killNow();
    },
  });
  const fatal = (err: unknown) => {
    log(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void stopAll().finally(() => process.exit(1));
  };
  process.on("uncaughtException", fatal);
  process.on("unhandledRejection", fatal);
}

/** The supervised run: every process stopped on every way out. */
async function execute(plan: Plan): Promise<number> {
  const supervisor = new Supervisor({
    graceS: plan.graceS,
    pidFile: join(plan.runDir, "pids.json"),
    log,
  });
  const ac = new AbortController();
  let stopping: Promise<void> | null = null;
  const stopAll = () => (stopping ??= supervisor.stopAll());
  onStop(ac, supervisor, stopAll, plan.graceS);
  log(`run ${plan.runId}: logs in ${plan.runDir}`);
  for (const n of plan.notes) log(`note: ${n}`);
  try {
    await prepareDataset(plan);
    const outcomes = await runPlan(plan, { supervisor, signal: ac.signal, log });
    await stopAll();
    await report(plan, outcomes);
    return 0;
  } catch (err) {
    if (err instanceof Interrupted) {
      await stopAll();
      return signalExitCode(err.signal);
    }
    process.stderr.write(`reproduce: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await stopAll();
    log("all processes stopped");
  }
}

async function main(argv: string[]): Promise<number> {
  const o = readOptions(argv);
  if (typeof o === "number") return o;
  const plan = await makePlan(o);
  if (typeof plan === "number") return plan;
  return execute(plan);
}

async function countLines(path: string): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const text = (await readFile(path, "utf8")).trim();
  if (text.startsWith("[")) return (JSON.parse(text) as unknown[]).length;
  return text.split(/\r?\n/).filter((l) => l.trim() !== "").length;
}

process.exitCode = await main(process.argv.slice(2));
// Children are stopped; do not wait on stray handles (sockets kept alive by undici, timers).
process.exit(process.exitCode);
