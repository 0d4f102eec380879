/**
 * Actions of both modes, as mini-swe-agent 2.x parses them. Text mode: every match of the
 * configured `action_regex` (Python `re.findall` with `re.DOTALL`: group 1 if the pattern has a
 * group, else the whole match), stripped; exactly one is an action. Tool-calling mode: the reply's
 * calls of the `bash` tool, each with a JSON `command` argument; none, an unknown tool, arguments
 * that are not JSON or lack `command` are a format error with an `error` text.
 * @module
 */
import type { WireToolCall } from "../model/model.js";
import { pythonStrip } from "./parse-action.js";

/** The one tool of tool-calling mode (the OpenAI tools API shape). */
export const BASH_TOOL = {
  type: "function",
  function: {
    name: "bash",
    description: "Execute a bash command",
    parameters: {
      type: "object",
      properties: {
        command: { type: "string", description: "The bash command to execute" },
      },
      required: ["command"],
    },
  },
} as const;

export interface Action {
  command: string;
  /** Set in tool-calling mode: the call the observation answers. */
  toolCallId?: string;
}

export type ParsedActions =
  | { kind: "actions"; actions: Action[] }
  | { kind: "format_error"; error: string; actions: string[] };

/** A Python regex source as a JavaScript RegExp (global, dot matches newlines). */
export function compileActionRegex(source: string): RegExp {
  return new RegExp(
    source
      .replace(/\(\?P</g, "(?<")
      .replace(/\\A/g, "^")
      .replace(/\\Z/g, "$"),
    "gs",
  );
}

export function parseTextActions(content: string, regex: RegExp): ParsedActions {
  const found = Array.from(content.matchAll(regex), (m) => pythonStrip(m[1] ?? m[0]));
  if (found.length === 1) return { kind: "actions", actions: [{ command: found[0] ?? "" }] };
  return {
    kind: "format_error",
    error: `Expected exactly 1 action, found ${found.length}.`,
    actions: found,
  };
}

export function parseToolCallActions(calls: readonly WireToolCall[]): ParsedActions {
  if (calls.length === 0) {
    return {
      kind: "format_error",
      error:
        "No tool calls found in the response. Every response MUST include at least one tool call.",
      actions: [],
    };
  }
  const actions: Action[] = [];
  for (const call of calls) {
    let error = "";
    let args: unknown = {};
    try {
      args = JSON.parse(call.function.arguments);
    } catch (e) {
      error = `Error parsing tool call arguments: ${(e as Error).message}. `;
    }
    if (call.function.name !== "bash") error += `Unknown tool '${call.function.name}'.`;
    const command = (args as { command?: unknown } | null)?.command;
    if (typeof command !== "string") error += "Missing 'command' argument in bash tool call.";
    if (error) return { kind: "format_error", error: error.trim(), actions: [] };
    actions.push({ command: command as string, toolCallId: call.id });
  }
  return { kind: "actions", actions };
}
