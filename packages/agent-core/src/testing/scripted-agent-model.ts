/**
 * A test fake of the agent's {@link Model} port (style-anchors §9: ship the fake with the
 * package): replies come from a list or a function of the conversation; errors can be scripted
 * too. Not engine-sim's `ScriptedModel`, which simulates a coding agent's workload for the engine.
 * @module
 */
import type {
  ChatMessage,
  Model,
  ModelResponse,
  QueryOptions,
  WireToolCall,
} from "../model/model.js";
import { unixNow } from "../clock.js";

/** A reply with tool calls (tool-calling mode); a string is a text reply. */
export interface ScriptedToolReply {
  content?: string;
  /** `[name, arguments JSON]` pairs, or a bare command string for a `bash` call. */
  toolCalls: ReadonlyArray<string | readonly [string, string]>;
  finishReason?: string;
}

type ReplyValue = string | ScriptedToolReply;

export type ScriptedReply =
  ReplyValue | Error | ((messages: readonly ChatMessage[], options: QueryOptions) => ReplyValue);

export interface ScriptedAgentModelOptions {
  replies: readonly ScriptedReply[];
  /** What to answer once the list is exhausted (default: an error). */
  fallback?: ScriptedReply;
  cost?: number;
  now?: () => number;
  modelName?: string;
}

export class ScriptedAgentModel implements Model {
  readonly modelName: string;
  readonly calls: ChatMessage[][] = [];
  /** The options of each call (e.g. whether tools were offered). */
  readonly callOptions: QueryOptions[] = [];
  #nCalls = 0;
  #cost = 0;
  readonly #options: ScriptedAgentModelOptions;

  constructor(options: ScriptedAgentModelOptions) {
    this.#options = options;
    this.modelName = options.modelName ?? "scripted";
  }

  get nCalls(): number {
    return this.#nCalls;
  }

  get cost(): number {
    return this.#cost;
  }

  templateVars(): Record<string, unknown> {
    return { model_name: this.modelName, n_model_calls: this.#nCalls, model_cost: this.#cost };
  }

  async query(
    messages: readonly ChatMessage[],
    options: QueryOptions = {},
  ): Promise<ModelResponse> {
    if (options.signal?.aborted) throw options.signal.reason;
    const now = this.#options.now ?? unixNow;
    const start = now();
    this.calls.push(messages.map((m) => ({ ...m })));
    this.callOptions.push({ ...options });
    const reply =
      this.#options.replies[this.calls.length - 1] ??
      this.#options.fallback ??
      new Error("ScriptedAgentModel: no more replies");
    if (reply instanceof Error) throw reply;
    const value = typeof reply === "function" ? reply(messages, options) : reply;
    this.#nCalls++;
    this.#cost += this.#options.cost ?? 0;
    const tool = typeof value === "string" ? null : value;
    return {
      content: tool ? (tool.content ?? "") : (value as string),
      toolCalls: tool ? tool.toolCalls.map((c, i) => wireCall(c, `call_${this.#nCalls}_${i}`)) : [],
      finishReason: tool ? (tool.finishReason ?? "tool_calls") : "stop",
      firstToken: start,
      lastToken: now(),
      usage: { promptTokens: null, completionTokens: null, cachedTokens: null },
      attempts: 1,
    };
  }
}

function wireCall(call: string | readonly [string, string], id: string): WireToolCall {
  const [name, args] =
    typeof call === "string" ? ["bash", JSON.stringify({ command: call })] : call;
  return { id, type: "function", function: { name, arguments: args } };
}
