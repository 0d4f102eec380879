/**
 * The acting half of a step: run the step's actions in order and turn each result into the
 * observation message the config's layout asks for. v1: one action; a timeout renders
 * `timeout_template` and ends the step; either submit marker submits. v2: a timeout is an output
 * with `returncode` -1 and `exception_info`; `COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT` submits only
 * with exit code 0 (the actions after it are not run); in tool-calling mode each observation is a
 * `tool` message answering its call.
 * @module
 */
import type { StepTiming } from "@thunderagent/protocol";
import { CommandTimeoutError, type ExecResult } from "../environment/environment.js";
import type { ChatMessage } from "../model/model.js";
import { detectSubmission } from "./parse-action.js";
import type { Action } from "./tool-actions.js";

export const V2_SUBMIT_MARKER = "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT";

/** What acting needs from the run (run-agent.ts implements it). */
export interface ActContext {
  readonly dialect: "v1" | "v2";
  readonly observationTemplate: string;
  readonly timeoutTemplate: string | null;
  readonly signal: AbortSignal | undefined;
  now(): number;
  render(template: string, vars: Record<string, unknown>): string;
  add(message: ChatMessage): void;
  execute(command: string): Promise<ExecResult>;
}

export type ActOutcome =
  | { kind: "observed" }
  | { kind: "timeout" }
  | { kind: "submitted"; submission: string }
  | { kind: "aborted" };

export async function act(
  ctx: ActContext,
  actions: readonly Action[],
  content: string,
  timing: StepTiming,
): Promise<ActOutcome> {
  timing.tool_start = ctx.now();
  try {
    for (const action of actions) {
      const outcome = await actOne(ctx, action, content);
      if (outcome.kind !== "observed") return outcome;
    }
    return { kind: "observed" };
  } finally {
    timing.tool_end = ctx.now();
  }
}

async function actOne(ctx: ActContext, action: Action, content: string): Promise<ActOutcome> {
  let result: ExecResult;
  let exceptionInfo = "";
  try {
    result = await ctx.execute(action.command);
  } catch (error) {
    if (ctx.signal?.aborted) return { kind: "aborted" };
    if (!(error instanceof CommandTimeoutError)) throw error;
    if (ctx.dialect === "v1" || ctx.timeoutTemplate !== null) {
      const vars = { action: { action: action.command, content }, output: error.output };
      ctx.add({ role: "user", content: ctx.render(ctx.timeoutTemplate ?? "", vars) });
      return { kind: "timeout" };
    }
    result = { output: error.output, returncode: -1 };
    exceptionInfo =
      `An error occurred while executing the command: it timed out after ${error.timeoutS} ` +
      "seconds and was killed";
  }
  if (ctx.dialect === "v1") {
    const submission = detectSubmission(result.output);
    if (submission !== null) return { kind: "submitted", submission };
    const text = ctx.render(ctx.observationTemplate, { output: result });
    ctx.add({ role: "user", content: text });
    return { kind: "observed" };
  }
  if (result.returncode === 0) {
    const submission = detectSubmission(result.output, [V2_SUBMIT_MARKER]);
    if (submission !== null) return { kind: "submitted", submission };
  }
  const output = { ...result, exception_info: exceptionInfo };
  const text = ctx.render(ctx.observationTemplate, { output });
  ctx.add(
    action.toolCallId !== undefined
      ? { role: "tool", content: text, tool_call_id: action.toolCallId }
      : { role: "user", content: text },
  );
  return { kind: "observed" };
}
