/**
 * `pnpm swebench`: the runner's process. Parses the flags, runs the batch, prints the summary.
 * SIGINT/SIGTERM: the first one stops the run cleanly (nothing new starts, running agents are
 * interrupted, containers removed, preds.json valid; a second run continues where this one
 * stopped); a second signal sweeps this run's leftovers (the environment class's: docker removes
 * its containers) and exits at once.
 * Exit codes: 0 done, 1 failure, 2 usage error (one line: a bad flag, a missing config or dataset
 * file), 130/143 stopped by SIGINT/SIGTERM. Flags in cli-options.ts; relative paths are taken from
 * the caller's directory (INIT_CWD under pnpm).
 */
import { randomUUID } from "node:crypto";
import { usageLine } from "@thunderagent/cli-kit";
import { checkSubset, readCommandLine } from "./cli-options.js";
import { SwebenchError, isUsageError } from "./errors.js";
import { formatSummary, runBatch, sweepRunLeftovers } from "./run/run-batch.js";
import { resolveConfig } from "./run/resolve-config.js";

async function main(argv: readonly string[]): Promise<number> {
  let cli;
  let config;
  try {
    const cl = readCommandLine(argv, { env: process.env, cwd: process.cwd() });
    if ("kind" in cl) {
      process.stdout.write(cl.text);
      return 0;
    }
    cli = cl;
    checkSubset(cli);
    config = resolveConfig(cli.config, {
      model: cli.model,
      baseUrl: cli.baseUrl,
      environmentClass: cli.environmentClass,
    });
  } catch (error) {
    if (isUsageError(error)) {
      process.stderr.write(usageLine("swebench", error.message));
      return 2;
    }
    throw error;
  }

  const controller = new AbortController();
  const runId = randomUUID();
  let stopSignal: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopSignal) {
      process.stderr.write(
        `\n[swebench] second ${sig}: removing this run's leftovers and exiting\n`,
      );
      const code = sig === "SIGINT" ? 130 : 143;
      const cleanup = sweepRunLeftovers(config, runId);
      const deadline = new Promise((r) => setTimeout(r, 5000).unref());
      void Promise.race([cleanup, deadline]).then(() => process.exit(code));
      return;
    }
    stopSignal = sig;
    process.stderr.write(
      `\n[swebench] ${sig}: stopping (no new instances; interrupting running agents)…\n`,
    );
    controller.abort(new Error(`stopped by ${sig}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const summary = await runBatch({
    subset: cli.subset,
    split: cli.split,
    slice: cli.slice,
    filter: cli.filter,
    shuffle: cli.shuffle,
    workers: cli.workers,
    output: cli.output,
    redoExisting: cli.redoExisting,
    config,
    runId,
    signal: controller.signal,
  });
  process.stdout.write(`${formatSummary(summary)}\n`);
  if (stopSignal) return stopSignal === "SIGINT" ? 130 : 143;
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // The runner's own errors (a dataset that is not one, a datasets server that is down) are
    // one line; anything else is a bug and keeps its stack.
    const text =
      error instanceof SwebenchError ? error.message : ((error as Error).stack ?? String(error));
    process.stderr.write(`swebench: ${text}\n`);
    process.exit(1);
  },
);
