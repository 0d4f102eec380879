/**
 * The batch run (`mini-extra swebench`): load and select instances, skip those already in
 * preds.json (unless redo), run the rest on a pool of workers, keep the output files current after
 * every instance, show progress, and stop cleanly when the signal fires (nothing new starts,
 * running agents are interrupted, their environments closed, preds.json stays valid), and sweep
 * what this run's environment class left behind (docker: containers labelled with the run).
 * Running the instances themselves (in this process or in agent processes, with the class's
 * monitor meanwhile): run-all.ts.
 * @module
 */
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type MiniConfig, loadEnvironmentClass, unixNow } from "@thunderagent/agent-core";
import type { SweBenchInstance } from "@thunderagent/protocol";
import { removeStaleTemps } from "../atomic-write.js";
import { loadInstances } from "../dataset/load-instances.js";
import { selectInstances } from "../dataset/select-instances.js";
import { ExitStatusStore } from "../output/exit-statuses.js";
import { PredsStore } from "../output/preds-store.js";
import { ProgressState, type ProgressSnapshot } from "../view/progress-state.js";
import { ProgressView } from "../view/progress-view.js";
import type { ProcStats } from "../procs/proc-messages.js";
import { prepareImages } from "./preflight.js";
import { ProgramJournal, recoverPrograms } from "./program-journal.js";
import { redactConfig } from "./redact-config.js";
import { openRunLog } from "./run-log.js";
import { runAllIn } from "./run-all.js";
import type { InstanceContext, InstanceOutcome } from "./run-instance.js";

export interface BatchOptions {
  subset: string;
  split: string;
  slice?: string | undefined;
  filter?: string | undefined;
  shuffle?: boolean;
  workers: number;
  output: string;
  redoExisting?: boolean;
  config: MiniConfig;
  /** Where progress is drawn (default process.stderr); null = no view. */
  progressStream?: NodeJS.WritableStream | null;
  progressIntervalS?: number;
  /** Pre-loaded instances (tests); otherwise from subset/split. */
  instances?: SweBenchInstance[];
  signal?: AbortSignal;
  /** Where local testbeds are created (default `<output>/.testbeds`, emptied at start). */
  testbedDir?: string;
  env?: Record<string, string | undefined>;
  /** Labels this run's containers (default: random); lets the caller clean up after a hard exit. */
  runId?: string;
  /** The router's API key (sent with program releases). */
  routerApiKey?: string | undefined;
  /** Run the agents in this many child processes (default 1: in this process). */
  procs?: number;
}

export interface BatchSummary {
  total: number;
  skipped: number;
  done: number;
  interrupted: number;
  exitStatuses: Record<string, number>;
  elapsedS: number;
  steps: number;
  stepsPerMin: number;
  stopped: boolean;
  outputDir: string;
  runId: string;
  /** With `procs` > 1: each agent process's CPU and event-loop lag. */
  procStats?: ProcStats[];
}

export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const now = unixNow;
  const started = now();
  const outputDir = resolve(options.output);
  await prepareOutput(outputDir);
  const testbedDir = options.testbedDir ?? join(outputDir, ".testbeds");
  const runId = options.runId ?? randomUUID();
  const logger = openRunLog(outputDir, runId);
  const signal = options.signal ?? new AbortController().signal;
  // Every running agent listens on the one stop signal (hundreds with 128 workers).
  setMaxListeners(0, signal);
  const apiKey = options.routerApiKey;
  await recoverPrograms(outputDir, options.config, { apiKey, logger });

  const selected = await selectFor(options);
  const preds = await PredsStore.open(outputDir);
  const statuses = await ExitStatusStore.open(outputDir);
  const todo = options.redoExisting ? selected : selected.filter((i) => !preds.has(i.instance_id));
  const skipped = selected.length - todo.length;
  await prepareImages(options.config, runId, todo, logger); // docker hosts: images first
  logger.info(
    {
      selected: selected.length,
      todo: todo.length,
      skipped,
      workers: options.workers,
      config: redactConfig(options.config),
    },
    "run starting",
  );

  const progress = new ProgressState(todo.length, skipped, started);
  const view = startView(progress, options, skipped);
  const onAbort = () => {
    progress.stopping = true;
    logger.warn("stop requested: starting nothing new, interrupting running agents");
  };
  signal.addEventListener("abort", onAbort, { once: true });

  const ctx: InstanceContext = {
    config: options.config,
    outputDir,
    runId,
    preds,
    statuses,
    progress,
    logger,
    signal,
    now,
    testbedDir,
    journal: new ProgramJournal(outputDir),
    routerApiKey: apiKey,
  };
  let outcomes: InstanceOutcome[] = [];
  let procStats: ProcStats[] | undefined;
  try {
    ({ outcomes, procStats } = await runAllIn(todo, options, ctx, preds));
  } finally {
    signal.removeEventListener("abort", onAbort);
    view?.stop();
    // Belt and braces: nothing of this run is left (docker: its containers), whatever path we took.
    const removed = await sweepRunLeftovers(options.config, runId);
    if (removed > 0) logger.warn({ removed }, "removed leftovers of this run");
    await preds.flush();
    await statuses.flush();
  }
  const snap: ProgressSnapshot = progress.snapshot(now());
  const summary: BatchSummary = {
    total: selected.length,
    skipped,
    done: snap.done,
    interrupted: outcomes.filter((o) => !o.recorded).length,
    exitStatuses: snap.exitStatuses,
    elapsedS: snap.elapsedS,
    steps: snap.steps,
    stepsPerMin: snap.stepsPerMin,
    stopped: signal.aborted,
    outputDir,
    runId,
    ...(procStats ? { procStats } : {}),
  };
  logger.info({ summary }, "run finished");
  logger.flush();
  return summary;
}

/**
 * The output directory, without the temporary files or testbeds a killed run left: local
 * testbeds live under `<output>/.testbeds` so that the next run finds and removes them (one
 * runner per output directory).
 */
async function prepareOutput(outputDir: string): Promise<void> {
  await mkdir(outputDir, { recursive: true });
  await removeStaleTemps(outputDir);
  await rm(join(outputDir, ".testbeds"), { recursive: true, force: true });
}

/** The dataset's instances (or the given ones), shuffled, filtered and sliced as asked. */
async function selectFor(options: BatchOptions): Promise<SweBenchInstance[]> {
  const all =
    options.instances ??
    (await loadInstances(options.subset, options.split, options.env ? { env: options.env } : {}));
  return selectInstances(all, {
    ...(options.filter ? { filter: options.filter } : {}),
    ...(options.slice ? { slice: options.slice } : {}),
    shuffle: options.shuffle ?? false,
  });
}

/** The progress view on its stream (default stderr; null: none), started. */
function startView(
  progress: ProgressState,
  options: BatchOptions,
  skipped: number,
): ProgressView | null {
  const stream = options.progressStream === undefined ? process.stderr : options.progressStream;
  if (!stream) return null;
  const view = new ProgressView(progress, {
    stream,
    lineIntervalS: options.progressIntervalS ?? 5,
  });
  if (skipped > 0)
    stream.write(`[swebench] skipping ${skipped} instance(s) already in preds.json\n`);
  view.start();
  return view;
}

/** The environment class's sweep of one run's leftovers; 0 when it fails (engine gone, say). */
export async function sweepRunLeftovers(config: MiniConfig, runId: string): Promise<number> {
  try {
    const envClass = await loadEnvironmentClass(config.environment.environment_class);
    return await envClass.sweepLeftovers({ runId, config: config.environment });
  } catch {
    return 0;
  }
}

export function formatSummary(s: BatchSummary): string {
  const statuses = Object.entries(s.exitStatuses)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `  ${k}: ${v}`)
    .join("\n");
  return [
    `${s.stopped ? "Stopped" : "Finished"}: ${s.done} done this run, ${s.skipped} skipped (already in preds.json), ` +
      `${s.interrupted} interrupted, ${s.total} selected`,
    `Exit statuses:\n${statuses || "  (none)"}`,
    `Elapsed: ${s.elapsedS.toFixed(1)} s; LLM steps: ${s.steps} (${s.stepsPerMin.toFixed(1)} steps/min)`,
    `Output: ${s.outputDir} (preds.json, exit_statuses.json, run.log, <id>/<id>.traj.json)`,
  ].join("\n");
}
