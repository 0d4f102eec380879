/**
 * One instance, start to finish: a unique program id, the environment (made by the configured
 * environment class from agent-core's registry: a container from the instance image, a local
 * testbed repository…), the agent (started again in a new environment when the first was lost
 * under it: its Docker host failed), then — whatever happened — the environment closed (which
 * removes what it made), the program released at the router, the trajectory written, and
 * (unless the run was interrupted) the prediction and exit status recorded.
 * @module
 */
import { randomUUID } from "node:crypto";
import {
  type AgentResult,
  EXIT_STATUS,
  type Environment,
  EnvironmentError,
  type HostSlots,
  INSTANCE_ID_LABEL,
  type MiniConfig,
  OpenAIModel,
  PROGRAM_ID_LABEL,
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
import type { ProgramJournal } from "./program-journal.js";
import { releaseProgram } from "./release-program.js";

export interface InstanceContext {
  config: MiniConfig;
  outputDir: string;
  runId: string;
  /** Where predictions go (a child process of `--procs` sends them to the parent instead). */
  preds: Pick<PredsStore, "update">;
  statuses: Pick<ExitStatusStore, "set">;
  progress: Pick<ProgressState, "start" | "update" | "stepDone" | "finish">;
  logger: Logger;
  signal: AbortSignal;
  /** Where per-instance workspaces (local testbeds) are created (default: the OS temp dir). */
  testbedDir?: string;
  now?: () => number;
  /** Where open programs are recorded until released (recovery after a SIGKILL). */
  journal?: ProgramJournal;
  /** The router's API key, sent with releases. */
  routerApiKey?: string | undefined;
  /** docker with `docker_hosts` in a `--procs` child: the runner's slots (else this process's). */
  hostSlots?: HostSlots;
}

/** How many times an instance whose environment was lost (its Docker host failed) is started. */
const MAX_LOST_ATTEMPTS = 3;

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

/** One run of one instance: what every step below needs. */
interface Attempt {
  id: string;
  programId: string;
  log: Logger;
  now: () => number;
  startedAt: number;
}

/** What happened in the environment: the agent's result, the image (if any), setup seconds. */
interface Ran {
  result: AgentResult;
  image: string | null;
  setupS: number;
}

export async function runInstance(
  instance: SweBenchInstance,
  ctx: InstanceContext,
): Promise<InstanceOutcome> {
  const now = ctx.now ?? unixNow;
  const id = instance.instance_id;
  const programId = `${id}-${randomUUID().slice(0, 8)}`;
  const log = ctx.logger.child({ instance_id: id, program_id: programId });
  const attempt: Attempt = { id, programId, log, now, startedAt: now() };
  ctx.progress.start(id, attempt.startedAt);
  const baseUrl = resolveBaseUrl(ctx.config.model);
  await ctx.journal?.record({
    program_id: programId,
    run_id: ctx.runId,
    base_url: baseUrl,
    environment_class: ctx.config.environment.environment_class,
  });
  const ran = await runInEnvironment(instance, ctx, attempt);
  const release = await releaseProgram(baseUrl, programId, { apiKey: ctx.routerApiKey });
  if (release.kind === "failed") log.warn({ release: release.message }, "program release failed");
  else await ctx.journal?.forget(programId);
  const recorded = await record(ctx, attempt, ran);
  const { result } = ran;
  ctx.progress.finish(id, result.exitStatus, recorded);
  log.info(
    {
      exit_status: result.exitStatus,
      api_calls: result.apiCalls,
      elapsed_s: now() - attempt.startedAt,
    },
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

/**
 * Creates the configured class's environment, runs the agent in it, closes it whatever happens;
 * starts again in a new one (up to MAX_LOST_ATTEMPTS) when it was lost under the agent.
 */
async function runInEnvironment(
  instance: SweBenchInstance,
  ctx: InstanceContext,
  attempt: Attempt,
): Promise<Ran> {
  for (let n = 1; ; n++) {
    const { ran, lost } = await runOnce(instance, ctx, attempt);
    if (!lost || n >= MAX_LOST_ATTEMPTS || ctx.signal.aborted) return ran;
    attempt.log.warn({ attempt: n }, `${lost}; starting the instance again`);
    ctx.progress.update(attempt.id, { status: "restarting (environment lost)" });
  }
}

async function runOnce(
  instance: SweBenchInstance,
  ctx: InstanceContext,
  attempt: Attempt,
): Promise<{ ran: Ran; lost: string | undefined }> {
  const { config } = ctx;
  const { id, programId } = attempt;
  let env: Environment | null = null;
  let image: string | null = null;
  let setupS = 0;
  let result: AgentResult;
  // Lost under the agent (its Docker host drained): the agent stops now, not at its next command.
  const lost = new AbortController();
  const signal = AbortSignal.any([ctx.signal, lost.signal]);
  try {
    const envClass = await loadEnvironmentClass(config.environment.environment_class);
    image = envClass.imageFor(instance, config.environment);
    env = await envClass.create({
      config: config.environment,
      instance,
      runId: ctx.runId,
      labels: { [INSTANCE_ID_LABEL]: id, [PROGRAM_ID_LABEL]: programId },
      signal: ctx.signal,
      onStatus: (status) => ctx.progress.update(id, { status }),
      onWarning: (line) => attempt.log.warn(line),
      onLost: (why) => lost.abort(new EnvironmentError(why)),
      ...(ctx.testbedDir ? { workspaceDir: ctx.testbedDir } : {}),
      ...(ctx.hostSlots ? { hostSlots: ctx.hostSlots } : {}),
    });
    setupS = attempt.now() - attempt.startedAt;
    result = await runAgentIn(env, instance, { ...ctx, signal }, attempt);
  } catch (error) {
    result = ctx.signal.aborted
      ? { ...failure(error), exitStatus: EXIT_STATUS.interrupted }
      : failure(error);
    attempt.log.error({ err: error }, "instance failed before or outside the agent loop");
  } finally {
    ctx.progress.update(id, { status: "cleaning up" });
    await env?.close();
  }
  // Stopped because its environment was lost (not by the run's stop): that is the outcome.
  if (env?.lost && !ctx.signal.aborted && result.exitStatus === EXIT_STATUS.interrupted) {
    result = failure(new EnvironmentError(env.lost));
  }
  return { ran: { result, image, setupS }, lost: env?.lost };
}

function runAgentIn(
  env: Environment,
  instance: SweBenchInstance,
  ctx: InstanceContext,
  { id, programId, log, now }: Attempt,
): Promise<AgentResult> {
  const model = new OpenAIModel({
    config: ctx.config.model,
    programId,
    dockerIds: env.dockerIds?.() ?? [],
    now,
    onRetry: ({ attempt, delayS, error }) =>
      log.warn({ attempt, delayS, err: (error as Error).message }, "model call failed; retrying"),
  });
  ctx.progress.update(id, { status: "running" });
  return runAgent({
    config: ctx.config.agent,
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
}

/** Writes the trajectory and, unless interrupted, the prediction and exit status. */
async function record(ctx: InstanceContext, attempt: Attempt, ran: Ran): Promise<boolean> {
  const { config } = ctx;
  const { id, programId, log } = attempt;
  const { result, image, setupS } = ran;
  try {
    const trajectory = buildTrajectory({
      instanceId: id,
      programId,
      result,
      config: redactConfig(config),
      modelName: config.model.model_name,
      startedAt: attempt.startedAt,
      endedAt: attempt.now(),
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
  return recorded;
}
