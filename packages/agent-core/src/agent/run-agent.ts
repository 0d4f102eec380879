/**
 * The agent loop with mini-swe-agent's semantics (`DefaultAgent.run`): render the system and
 * instance templates; then per step check the limits, query the model, read the actions (text:
 * the config's `action_regex`; tool calling: the `bash` tool's calls — else the format-error
 * message, and the loop goes on), run them (act.ts: observations, timeouts, submission per the
 * config's layout, v1 or v2). Terminating conditions add their message as a last user message,
 * as in Python.
 *
 * Pure apart from its ports: the model, the environment and the clock are injected.
 * @module
 */
import type { StepTiming } from "@thunderagent/protocol";
import type { AgentSection } from "../config/mini-config.js";
import type { Environment } from "../environment/environment.js";
import {
  type ChatMessage,
  ContextLengthExceededError,
  type Model,
  type ModelResponse,
} from "../model/model.js";
import { renderTemplate } from "../template/render-template.js";
import { type ActContext, act } from "./act.js";
import {
  BASH_TOOL,
  type ParsedActions,
  compileActionRegex,
  parseTextActions,
  parseToolCallActions,
} from "./tool-actions.js";
import { unixNow } from "../clock.js";

/** Exit statuses this loop produces; unexpected errors exit with the error's name. */
export const EXIT_STATUS = {
  submitted: "Submitted",
  limitsExceeded: "LimitsExceeded",
  contextLengthExceeded: "ContextLengthExceeded",
  interrupted: "Interrupted",
  repeatedFormatError: "RepeatedFormatError",
  timeExceeded: "TimeExceeded",
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
  readonly startedAt: number;
  readonly messages: AgentMessage[];
  readonly stepTimings: StepTiming[];
  readonly actionRegex: RegExp;
  formatErrorsInRow: number;
  render(template: string, vars?: Record<string, unknown>): string;
  add(message: ChatMessage): void;
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
    run.add({ role: "system", content: run.render(config.system_template) });
    run.add({ role: "user", content: run.render(config.instance_template) });
    for (let step = 1; ; step++) await runStep(run, step);
  } catch (error) {
    if (error instanceof Terminate) {
      run.add({ role: "user", content: error.message });
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
  const startedAt = now();
  const baseVars = {
    ...config,
    ...env.templateVars(),
    ...options.extraVars,
    task: options.task,
  };
  return {
    options,
    now,
    startedAt,
    messages,
    stepTimings: [],
    actionRegex: compileActionRegex(config.action_regex),
    formatErrorsInRow: 0,
    render: (template, vars = {}) =>
      renderTemplate(template, {
        ...baseVars,
        ...model.templateVars(),
        elapsed_seconds: Math.floor(now() - startedAt),
        ...vars,
      }),
    add: (message) => {
      messages.push({ ...message, timestamp: now() });
    },
  };
}

/** One step: check the limits, query, parse, act. A run ends by a thrown Terminate. */
async function runStep(run: Run, step: number): Promise<void> {
  const { config, signal, onEvent } = run.options;
  if (signal?.aborted) throw new Terminate(EXIT_STATUS.interrupted, "");
  onEvent?.({ type: "step_start", step });
  checkLimits(run);
  const { response, timing } = await query(run, step);
  const parsed = parseActions(run, response);
  if (parsed.kind === "format_error") {
    const vars = {
      actions: parsed.actions,
      error: parsed.error,
      finish_reason: response.finishReason,
    };
    run.add({ role: "user", content: run.render(config.format_error_template, vars) });
    onEvent?.({ type: "step_done", step, timing, kind: "format_error" });
    run.formatErrorsInRow++;
    const max = config.max_consecutive_format_errors;
    if (max > 0 && run.formatErrorsInRow >= max) {
      throw new Terminate(EXIT_STATUS.repeatedFormatError, "");
    }
    return;
  }
  run.formatErrorsInRow = 0;
  const outcome = await act(actContext(run), parsed.actions, response.content, timing);
  if (outcome.kind === "aborted") throw new Terminate(EXIT_STATUS.interrupted, "");
  if (outcome.kind === "submitted") {
    onEvent?.({ type: "step_done", step, timing, kind: "submitted" });
    throw new Terminate(EXIT_STATUS.submitted, outcome.submission);
  }
  onEvent?.({
    type: "step_done",
    step,
    timing,
    kind: outcome.kind === "timeout" ? "timeout" : "action",
  });
}

function checkLimits(run: Run): void {
  const { config, model } = run.options;
  if (
    (config.step_limit > 0 && config.step_limit <= model.nCalls) ||
    (config.cost_limit > 0 && config.cost_limit <= model.cost)
  ) {
    throw new Terminate(EXIT_STATUS.limitsExceeded, "");
  }
  const wall = config.wall_time_limit_seconds;
  if (wall > 0 && wall <= run.now() - run.startedAt) {
    throw new Terminate(EXIT_STATUS.timeExceeded, "");
  }
}

function parseActions(run: Run, response: ModelResponse): ParsedActions {
  return run.options.config.action_mode === "tool_calls"
    ? parseToolCallActions(response.toolCalls)
    : parseTextActions(response.content, run.actionRegex);
}

function actContext(run: Run): ActContext {
  const { config, env, signal } = run.options;
  return {
    dialect: config.dialect,
    observationTemplate: config.action_observation_template,
    timeoutTemplate: config.dialect === "v1" ? config.timeout_template : null,
    signal,
    now: run.now,
    render: run.render,
    add: run.add,
    execute: (command) => env.execute(command, signal ? { signal } : {}),
  };
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
    const tools = run.options.config.action_mode === "tool_calls" ? [BASH_TOOL] : [];
    response = await model.query(run.messages.map(withoutTimestamp), {
      ...(signal ? { signal } : {}),
      ...(tools.length > 0 ? { tools } : {}),
    });
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
  run.add({
    role: "assistant",
    content: response.content,
    ...(response.toolCalls.length > 0 ? { tool_calls: response.toolCalls } : {}),
  });
  return { response, timing };
}

function withoutTimestamp({ timestamp: _t, ...message }: AgentMessage): ChatMessage {
  return message;
}
