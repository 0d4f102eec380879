/**
 * The instances of a batch run, run: on the worker pool in this process or (`procs` > 1) in agent
 * processes ended afterwards, while the environment class's monitor watches what the environments
 * depend on (docker: health pings of the hosts of `docker_hosts`, draining one that stops
 * answering and bringing it back). One instance's failed bookkeeping stops nothing.
 * @module
 */
import { join } from "node:path";
import { type Monitor, loadEnvironmentClass } from "@thunderagent/agent-core";
import type { SweBenchInstance } from "@thunderagent/protocol";
import type { PredsStore } from "../output/preds-store.js";
import { ProcPool } from "../procs/proc-pool.js";
import type { ProcStats } from "../procs/proc-messages.js";
import type { BatchOptions } from "./run-batch.js";
import { type InstanceContext, type InstanceOutcome, runInstance } from "./run-instance.js";
import { runPool } from "./worker-pool.js";

/**
 * The environment class's monitor for the run, in this process (which owns the Docker host pool,
 * also with `--procs`): docker pings its hosts and drains or brings them back; each such change
 * goes to run.log and, as one line, to the progress stream.
 */
async function startMonitor(options: BatchOptions, ctx: InstanceContext): Promise<Monitor | null> {
  const { runId, logger } = ctx;
  const config = options.config.environment;
  const envClass = await loadEnvironmentClass(config.environment_class);
  const stream = options.progressStream === undefined ? process.stderr : options.progressStream;
  return (
    envClass.monitor?.({
      config,
      runId,
      warn: (line) => {
        logger.warn(line);
        stream?.write(`[swebench] ${line}\n`);
      },
      info: (line) => logger.info(line),
    }) ?? null
  );
}

/** With `procs` > 1, the agent processes, told the run's settings. */
function startProcs(options: BatchOptions, ctx: InstanceContext): ProcPool | null {
  const n = Math.min(options.procs ?? 1, options.workers);
  if (n <= 1) return null;
  const init = {
    type: "init" as const,
    config: ctx.config,
    outputDir: ctx.outputDir,
    runId: ctx.runId,
    testbedDir: ctx.testbedDir ?? join(ctx.outputDir, ".testbeds"),
    ...(ctx.routerApiKey ? { routerApiKey: ctx.routerApiKey } : {}),
  };
  return new ProcPool(n, init, ctx);
}

/**
 * Runs the instances, in this process or (`procs` > 1) in agent processes ended afterwards, with
 * the environment class's monitor running meanwhile.
 */
export async function runAllIn(
  todo: readonly SweBenchInstance[],
  options: BatchOptions,
  ctx: InstanceContext,
  preds: PredsStore,
): Promise<{ outcomes: InstanceOutcome[]; procStats?: ProcStats[] }> {
  const monitor = await startMonitor(options, ctx);
  try {
    return await runAllWith(todo, options, ctx, preds);
  } finally {
    monitor?.stop();
  }
}

async function runAllWith(
  todo: readonly SweBenchInstance[],
  options: BatchOptions,
  ctx: InstanceContext,
  preds: PredsStore,
): Promise<{ outcomes: InstanceOutcome[]; procStats?: ProcStats[] }> {
  const pool = startProcs(options, ctx);
  if (!pool) return { outcomes: await runAll(todo, options, ctx, { pool, preds }) };
  const stop = () => pool.stop();
  ctx.signal.addEventListener("abort", stop, { once: true });
  let outcomes: InstanceOutcome[] = [];
  let procStats: ProcStats[] = [];
  try {
    outcomes = await runAll(todo, options, ctx, { pool, preds });
  } finally {
    ctx.signal.removeEventListener("abort", stop);
    procStats = await pool.close();
  }
  return { outcomes, procStats };
}

/** Runs the instances on the worker pool; one instance's failed bookkeeping stops nothing. */
async function runAll(
  todo: readonly SweBenchInstance[],
  options: BatchOptions,
  ctx: InstanceContext,
  run: { pool: ProcPool | null; preds: PredsStore },
): Promise<InstanceOutcome[]> {
  const { progress, logger, signal } = ctx;
  const { pool, preds } = run;
  const outcomes: InstanceOutcome[] = [];
  await runPool(
    todo,
    options.workers,
    async (instance) => {
      if (options.redoExisting && preds.has(instance.instance_id)) {
        await preds.update(instance.instance_id, null);
      }
      try {
        outcomes.push(await (pool ? pool.run(instance) : runInstance(instance, ctx)));
      } catch (error) {
        // Only the output files can fail here (disk full, permissions): log, keep the pool going.
        logger.error(
          { err: error, instance_id: instance.instance_id },
          "instance bookkeeping failed",
        );
        progress.finish(instance.instance_id, "RunnerError", false);
      }
    },
    () => signal.aborted,
  );
  return outcomes;
}
