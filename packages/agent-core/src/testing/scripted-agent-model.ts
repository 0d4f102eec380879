/**
 * A test fake of the agent's {@link Model} port (style-anchors §9: ship the fake with the
 * package): replies come from a list or a function of the conversation; errors can be scripted
 * too. Not engine-sim's `ScriptedModel`, which simulates a coding agent's workload for the engine.
 * @module
 */
import type { ChatMessage, Model, ModelResponse, QueryOptions } from "../model/model.js";
import { unixNow } from "../clock.js";

export type ScriptedReply = string | Error | ((messages: readonly ChatMessage[]) => string);

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
    const reply =
      this.#options.replies[this.calls.length - 1] ??
      this.#options.fallback ??
      new Error("ScriptedAgentModel: no more replies");
    if (reply instanceof Error) throw reply;
    const content = typeof reply === "function" ? reply(messages) : reply;
    this.#nCalls++;
    this.#cost += this.#options.cost ?? 0;
    return {
      content,
      firstToken: start,
      lastToken: now(),
      usage: { promptTokens: null, completionTokens: null, cachedTokens: null },
      attempts: 1,
    };
  }
}
