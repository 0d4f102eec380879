/**
 * The agent loop with mini-swe-agent's semantics (`DefaultAgent.run`): render the system and
 * instance templates; then per step check the limits, query the model, extract exactly one
 * ```bash block (else the format-error message, and the loop goes on), execute it with the
 * per-command timeout (a timeout gives the timeout message, and the loop goes on), stop when the
 * output's first line is the submit marker (the rest is the submission), else render the
 * observation. Terminating conditions add their message as a last user message, as in Python.
 *
 * Pure apart from its ports: the model, the environment and the clock are injected.
 * @module
 */
import type { StepTiming } from "@thunderagent/protocol";
import type { AgentSection } from "../config/mini-config.js";
import {
  CommandTimeoutError,
  type Environment,
  type ExecResult,
} from "../environment/environment.js";
import {
  type ChatMessage,
  ContextLengthExceededError,
  type Model,
  type ModelResponse,
} from "../model/model.js";
import { renderTemplate } from "../template/render-template.js";
import { detectSubmission, parseAction } from "./parse-action.js";
import { unixNow } from "../clock.js";

/** Exit statuses this loop produces; unexpected errors exit with the error's name. */
export const EXIT_STATUS = {
  submitted: "Submitted",
  limitsExceeded: "LimitsExceeded",
  contextLengthExceeded: "ContextLengthExceeded",
  interrupted: "Interrupted",
} as const;

export interface AgentMessage extends ChatMessage {
  /** Unix seconds when the message was added. */
  timestamp: number;
}

export type AgentEvent =
  | { type: "step_start"; step: number }
  | { type: "query_done"; step: number; timing: StepTiming }
  | { type: "step_done"; step: number; timing: StepTiming | null; kind: StepKind };

export type StepKind = "action" | "format_error" | "timeout" | "submitted";

export interface RunAgentOptions {
  config: AgentSection;
  model: Model;
  env: Environment;
  task: string;
  /** More template variables (mini-swe-agent's `run(task, **kwargs)`). */
  extraVars?: Record<string, unknown>;
  /** Unix seconds. */
  now?: () => number;
  /** Aborting ends the run with exit status "Interrupted". */
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
}

export interface AgentResult {
  exitStatus: string;
  /** The submission (for "Submitted"), else the terminating message (mini-swe-agent's `result`). */
  submission: string;
  messages: AgentMessage[];
  stepTimings: StepTiming[];
  apiCalls: number;
  cost: number;
  /** Set when an unexpected error ended the run. */
  error?: { name: string; message: string; stack?: string };
}

class Terminate {
  constructor(
    readonly exitStatus: string,
    readonly message: string,
  ) {}
}

/** What the steps of one run share. */
interface Run {
  readonly options: RunAgentOptions;
  readonly now: () => number;
  readonly messages: AgentMessage[];
  readonly stepTimings: StepTiming[];
  render(template: string, vars?: Record<string, unknown>): string;
  add(role: ChatMessage["role"], content: string): void;
}

export async function runAgent(options: RunAgentOptions): Promise<AgentResult> {
  const { config, model } = options;
  const run = startRun(options);
  const result = (exitStatus: string, submission: string): AgentResult => ({
    exitStatus,
    submission,
    messages: run.messages,
    stepTimings: run.stepTimings,
    apiCalls: model.nCalls,
    cost: model.cost,
  });

  try {
    run.add("system", run.render(config.system_template));
    run.add("user", run.render(config.instance_template));
    for (let step = 1; ; step++) await runStep(run, step);
  } catch (error) {
    if (error instanceof Terminate) {
      run.add("user", error.message);
      return result(error.exitStatus, error.message);
    }
    const err = error instanceof Error ? error : new Error(String(error));
    const out = result(err.name || "Error", err.message);
    out.error = {
      name: err.name,
      message: err.message,
      ...(err.stack ? { stack: err.stack } : {}),
    };
    return out;
  }
}

function startRun(options: RunAgentOptions): Run {
  const { config, model, env } = options;
  const now = options.now ?? unixNow;
  const messages: AgentMessage[] = [];
  const baseVars = {
    ...config,
    ...env.templateVars(),
    ...options.extraVars,
    task: options.task,
  };
  return {
    options,
    now,
    messages,
    stepTimings: [],
    render: (template, vars = {}) =>
      renderTemplate(template, { ...baseVars, ...model.templateVars(), ...vars }),
    add: (role, content) => {
      messages.push({ role, content, timestamp: now() });
    },
  };
}

/** One step: check the limits, query, parse, execute, observe. A run ends by a thrown Terminate. */
async function runStep(run: Run, step: number): Promise<void> {
  const { config, model, signal, onEvent } = run.options;
  if (signal?.aborted) throw new Terminate(EXIT_STATUS.interrupted, "");
  onEvent?.({ type: "step_start", step });
  if (
    (config.step_limit > 0 && config.step_limit <= model.nCalls) ||
    (config.cost_limit > 0 && config.cost_limit <= model.cost)
  ) {
    throw new Terminate(EXIT_STATUS.limitsExceeded, "");
  }
  const { response, timing } = await query(run, step);
  const parsed = parseAction(response.content);
  if (parsed.kind === "format_error") {
    run.add("user", run.render(config.format_error_template, { actions: parsed.actions }));
    onEvent?.({ type: "step_done", step, timing, kind: "format_error" });
    return;
  }
  const output = await execute(run, step, parsed.action, response.content, timing);
  if (output === null) return;
  const submission = detectSubmission(output.output);
  if (submission !== null) {
    onEvent?.({ type: "step_done", step, timing, kind: "submitted" });
    throw new Terminate(EXIT_STATUS.submitted, submission);
  }
  run.add("user", run.render(config.action_observation_template, { output }));
  onEvent?.({ type: "step_done", step, timing, kind: "action" });
}

/** Queries the model with the messages so far; records the step's timing and the reply. */
async function query(
  run: Run,
  step: number,
): Promise<{ response: ModelResponse; timing: StepTiming }> {
  const { model, signal } = run.options;
  const queryStart = run.now();
  let response: ModelResponse;
  try {
    response = await model.query(
      run.messages.map((m) => ({ role: m.role, content: m.content })),
      signal ? { signal } : {},
    );
  } catch (error) {
    if (signal?.aborted) throw new Terminate(EXIT_STATUS.interrupted, "");
    if (error instanceof ContextLengthExceededError) {
      throw new Terminate(EXIT_STATUS.contextLengthExceeded, error.message);
    }
    throw error;
  }
  const timing: StepTiming = {
    step,
    query_start: queryStart,
    first_token: response.firstToken,
    last_token: response.lastToken,
    prompt_tokens: response.usage?.promptTokens ?? null,
    completion_tokens: response.usage?.completionTokens ?? null,
    cached_tokens: response.usage?.cachedTokens ?? null,
    tool_start: null,
    tool_end: null,
  };
  run.stepTimings.push(timing);
  run.options.onEvent?.({ type: "query_done", step, timing });
  run.add("assistant", response.content);
  return { response, timing };
}

/**
 * Executes the action with the per-command timeout. Returns null when it timed out: the timeout
 * message is then the step's observation, and the loop goes on.
 */
async function execute(
  run: Run,
  step: number,
  action: string,
  content: string,
  timing: StepTiming,
): Promise<ExecResult | null> {
  const { config, env, signal } = run.options;
  timing.tool_start = run.now();
  let output: ExecResult;
  try {
    output = await env.execute(action, signal ? { signal } : {});
  } catch (error) {
    timing.tool_end = run.now();
    if (signal?.aborted) throw new Terminate(EXIT_STATUS.interrupted, "");
    if (error instanceof CommandTimeoutError) {
      const vars = { action: { action, content }, output: error.output };
      run.add("user", run.render(config.timeout_template, vars));
      run.options.onEvent?.({ type: "step_done", step, timing, kind: "timeout" });
      return null;
    }
    throw error;
  }
  timing.tool_end = run.now();
  return output;
}
