/**
 * One instance, start to finish: a unique program id, the environment (made by the configured
 * environment class from agent-core's registry: a container from the instance image, a local
 * testbed repository…), the agent, then — whatever happened — the environment closed (which
 * removes what it made), the program released at the router, the trajectory written, and
 * (unless the run was interrupted) the prediction and exit status recorded.
 * @module
 */
import { randomUUID } from "node:crypto";
import {
  type AgentResult,
  EXIT_STATUS,
  type Environment,
  type MiniConfig,
  OpenAIModel,
  loadEnvironmentClass,
  resolveBaseUrl,
  runAgent,
  unixNow,
} from "@thunderagent/agent-core";
import type { SweBenchInstance } from "@thunderagent/protocol";
import type { Logger } from "pino";
import type { ExitStatusStore } from "../output/exit-statuses.js";
import type { PredsStore } from "../output/preds-store.js";
import { buildTrajectory, writeTrajectory } from "../output/trajectory-file.js";
import type { ProgressState } from "../view/progress-state.js";
import { redactConfig } from "./redact-config.js";
import { releaseProgram } from "./release-program.js";

export interface InstanceContext {
  config: MiniConfig;
  outputDir: string;
  runId: string;
  preds: PredsStore;
  statuses: ExitStatusStore;
  progress: ProgressState;
  logger: Logger;
  signal: AbortSignal;
  /** Where per-instance workspaces (local testbeds) are created (default: the OS temp dir). */
  testbedDir?: string;
  now?: () => number;
}

export interface InstanceOutcome {
  instanceId: string;
  programId: string;
  exitStatus: string;
  apiCalls: number;
  recorded: boolean;
}

function failure(error: unknown): AgentResult {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    exitStatus: err.name || "Error",
    submission: err.message,
    messages: [],
    stepTimings: [],
    apiCalls: 0,
    cost: 0,
    error: { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) },
  };
}

export async function runInstance(
  instance: SweBenchInstance,
  ctx: InstanceContext,
): Promise<InstanceOutcome> {
  const now = ctx.now ?? unixNow;
  const id = instance.instance_id;
  const programId = `${id}-${randomUUID().slice(0, 8)}`;
  const { config, logger } = ctx;
  const log = logger.child({ instance_id: id, program_id: programId });
  const startedAt = now();
  ctx.progress.start(id, startedAt);
  let env: Environment | null = null;
  let image: string | null = null;
  let setupS = 0;
  let result: AgentResult;
  try {
    const envClass = await loadEnvironmentClass(config.environment.environment_class);
    image = envClass.imageFor(instance, config.environment);
    env = await envClass.create({
      config: config.environment,
      instance,
      runId: ctx.runId,
      labels: { "org.thunderagent.instance": id, "org.thunderagent.program": programId },
      signal: ctx.signal,
      onStatus: (status) => ctx.progress.update(id, { status }),
      ...(ctx.testbedDir ? { workspaceDir: ctx.testbedDir } : {}),
    });
    setupS = now() - startedAt;
    const model = new OpenAIModel({
      config: config.model,
      programId,
      now,
      onRetry: ({ attempt, delayS, error }) =>
        log.warn({ attempt, delayS, err: (error as Error).message }, "model call failed; retrying"),
    });
    ctx.progress.update(id, { status: "running" });
    result = await runAgent({
      config: config.agent,
      model,
      env,
      task: instance.problem_statement,
      now,
      signal: ctx.signal,
      onEvent: (event) => {
        if (event.type === "step_start")
          ctx.progress.update(id, { step: event.step, status: "querying model" });
        else if (event.type === "query_done") {
          ctx.progress.stepDone();
          ctx.progress.update(id, { status: "executing" });
        }
      },
    });
  } catch (error) {
    result = ctx.signal.aborted
      ? { ...failure(error), exitStatus: EXIT_STATUS.interrupted }
      : failure(error);
    log.error({ err: error }, "instance failed before or outside the agent loop");
  } finally {
    ctx.progress.update(id, { status: "cleaning up" });
    await env?.close();
  }
  const release = await releaseProgram(resolveBaseUrl(config.model), programId);
  if (release.kind === "failed") log.warn({ release: release.message }, "program release failed");

  try {
    const trajectory = buildTrajectory({
      instanceId: id,
      programId,
      result,
      config: redactConfig(config),
      modelName: config.model.model_name,
      startedAt,
      endedAt: now(),
      environment: {
        kind: config.environment.environment_class,
        ...(image ? { image } : {}),
        setupS,
      },
    });
    await writeTrajectory(ctx.outputDir, trajectory);
  } catch (error) {
    // A trajectory that cannot be written must not lose the prediction or stop the run.
    log.error({ err: error }, "could not write the trajectory");
  }
  const recorded = result.exitStatus !== EXIT_STATUS.interrupted;
  if (recorded) {
    await ctx.preds.update(id, {
      model_name_or_path: config.model.model_name,
      instance_id: id,
      model_patch: result.submission,
    });
    await ctx.statuses.set(id, result.exitStatus);
  }
  ctx.progress.finish(id, result.exitStatus, recorded);
  log.info(
    { exit_status: result.exitStatus, api_calls: result.apiCalls, elapsed_s: now() - startedAt },
    "instance finished",
  );
  return {
    instanceId: id,
    programId,
    exitStatus: result.exitStatus,
    apiCalls: result.apiCalls,
    recorded,
  };
}
