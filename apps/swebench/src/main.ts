/**
 * `pnpm swebench`: the runner's process. Parses the flags, runs the batch, prints the summary.
 * SIGINT/SIGTERM/SIGHUP (or the launcher's stop request, as SIGHUP when the launcher is gone): the
 * first one stops the run cleanly (nothing new starts, running agents are interrupted, containers
 * removed, preds.json valid; a second run continues where this one stopped), within DRAIN_MS or it
 * exits anyway; a second signal sweeps this run's leftovers (the environment class's: docker
 * removes its containers, at most 5 s) and exits (cli-kit's installShutdown).
 * Exit codes: 0 done, 1 failure, 2 usage error (one line: a bad flag, a missing config or dataset
 * file), 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP. Flags in cli-options.ts; relative paths are
 * taken from the caller's directory (INIT_CWD under pnpm).
 */
import { randomUUID } from "node:crypto";
import { resolveBaseUrl, type MiniConfig } from "@thunderagent/agent-core";
import {
  exitWhenDone,
  installShutdown,
  isCliText,
  optionsOrExitCode,
  signalExitCode,
  usageLine,
  type CliText,
} from "@thunderagent/cli-kit";
import { type CliOptions, checkSubset, readCommandLine } from "./cli-options.js";
import { SwebenchError, isUsageError } from "./errors.js";
import { evaluationCommand, exportJsonl } from "./output/export-jsonl.js";
import { PredsStore } from "./output/preds-store.js";
import { preflight } from "./run/preflight.js";
import { routerDashboardUrl } from "./view/dashboard-url.js";
import { type BatchSummary, formatSummary, runBatch, sweepRunLeftovers } from "./run/run-batch.js";
import { resolveConfig } from "./run/resolve-config.js";

/** How long the interrupted agents and their cleanup may take after the first stop request. */
const DRAIN_MS = 25_000;

/** The flags, the config they name, the start-up checks passed; or the `--help`/`--version` text. */
async function startUp(
  argv: readonly string[],
): Promise<{ cli: CliOptions; config: MiniConfig } | CliText> {
  const cli = readCommandLine(argv, { env: process.env, cwd: process.cwd() });
  if (isCliText(cli)) return cli;
  checkSubset(cli);
  const config = resolveConfig(cli.config, {
    model: cli.model,
    baseUrl: cli.baseUrl,
    environmentClass: cli.environmentClass,
    dockerHosts: cli.dockerHost,
    dockerHealth: {
      interval_s: cli.dockerPingInterval,
      fail_after: cli.dockerPingFailures,
      recover_after: cli.dockerPingRecover,
    },
    strict: cli.strict,
    onWarning: (w) => process.stderr.write(`swebench: config warning: ${w.path}: ${w.message}\n`),
  });
  if (!cli.skipChecks) await preflight(config);
  const dashboard = await routerDashboardUrl(resolveBaseUrl(config.model));
  if (dashboard) process.stderr.write(`[swebench] router dashboard: ${dashboard}\n`);
  return { cli, config };
}

/** A refused start-up check, a bad flag or config: one line, exit 2 (else undefined: rethrown). */
function reportStartUpError(error: unknown): number | undefined {
  if (error instanceof SwebenchError && error.code === "preflight_failed") {
    process.stderr.write(`swebench: refusing to start: ${error.message}\n`);
    return 2;
  }
  if (isUsageError(error)) {
    process.stderr.write(usageLine("swebench", error.message));
    return 2;
  }
  return undefined;
}

async function main(argv: readonly string[]): Promise<number> {
  const ready = await optionsOrExitCode("swebench", () => startUp(argv), {
    report: reportStartUpError,
  });
  if (typeof ready === "number") return ready;
  const { cli, config } = ready;

  const controller = new AbortController();
  const runId = randomUUID();
  let stopSignal: NodeJS.Signals | null = null;
  installShutdown({
    name: "swebench",
    drainMs: DRAIN_MS,
    onStop: ({ signal }) => {
      stopSignal = signal;
      process.stderr.write(
        `\n[swebench] ${signal}: stopping (no new instances; interrupting running agents)…\n`,
      );
      controller.abort(new Error(`stopped by ${signal}`));
    },
    onSecondSignal: (signal) => {
      process.stderr.write(
        `\n[swebench] second ${signal}: removing this run's leftovers and exiting\n`,
      );
      return sweepRunLeftovers(config, runId);
    },
    secondSignalMs: 5_000,
  });

  const run = runBatch({
    subset: cli.subset,
    split: cli.split,
    slice: cli.slice,
    filter: cli.filter,
    shuffle: cli.shuffle,
    workers: cli.workers,
    procs: cli.procs,
    output: cli.output,
    redoExisting: cli.redoExisting,
    config,
    runId,
    routerApiKey: cli.routerApiKey,
    signal: controller.signal,
  });
  // The image check runs once the instances are known, inside the batch: a refusal there is a
  // start-up refusal too (one line, exit 2), since no worker has started.
  const summary = await run.catch((error: unknown) =>
    error instanceof SwebenchError && error.code === "preflight_failed"
      ? reportStartUpError(error)!
      : Promise.reject(error),
  );
  if (typeof summary === "number") return summary;
  process.stdout.write(`${formatSummary(summary)}\n`);
  if (cli.exportJsonl) await writeExport(cli, summary);
  if (stopSignal) return signalExitCode(stopSignal);
  return 0;
}

/** `--export-jsonl`: the predictions for SWE-bench's evaluation, and the command to run it. */
async function writeExport(cli: CliOptions, summary: BatchSummary): Promise<void> {
  const path = cli.exportJsonl!;
  const preds = (await PredsStore.open(summary.outputDir)).snapshot();
  const n = await exportJsonl(preds, path);
  const command = evaluationCommand({
    subset: cli.subset,
    split: cli.split,
    predictionsPath: path,
    runId: summary.runId,
  });
  process.stdout.write(`Predictions for SWE-bench (${n}): ${path}\nEvaluate with:\n  ${command}\n`);
}

void exitWhenDone("swebench", main(process.argv.slice(2)), {
  // The runner's own errors (a dataset that is not one, a datasets server that is down) are
  // one line; anything else is a bug and keeps its stack.
  describe: (error) =>
    error instanceof SwebenchError ? error.message : ((error as Error).stack ?? String(error)),
});
