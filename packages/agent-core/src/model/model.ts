/**
 * The model port: one chat completion per agent step, with the timings and usage the trajectory
 * records. The OpenAI adapter (openai-model.ts) implements it; tests use the fake in
 * `@thunderagent/agent-core/testing` (`ScriptedAgentModel`).
 * @module
 */
import { AgentCoreError } from "../errors.js";

/** A tool call as the OpenAI chat API carries it on an assistant message. */
export interface WireToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  /** Assistant messages of tool-calling mode: the calls the model made. */
  tool_calls?: WireToolCall[];
  /** Tool messages: the call this is the result of. */
  tool_call_id?: string;
}

/** A tool definition for the OpenAI tools API (`{type: "function", function: {...}}`). */
export type ToolSpec = Readonly<Record<string, unknown>>;

export interface ModelUsage {
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
}

export interface ModelResponse {
  content: string;
  /** Tool calls of the reply (tool-calling mode; empty otherwise). */
  toolCalls: WireToolCall[];
  /** The choice's finish_reason when the server sent one. */
  finishReason: string | null;
  /** Unix seconds: first content token (null without streaming) and end of the response. */
  firstToken: number | null;
  lastToken: number;
  usage: ModelUsage | null;
  /** Attempts it took (1 = no retry). */
  attempts: number;
}

export interface QueryOptions {
  signal?: AbortSignal;
  /** Tools offered to the model (tool-calling mode); none = text mode. */
  tools?: readonly ToolSpec[];
}

export interface Model {
  readonly modelName: string;
  /** Completed calls so far (mini-swe-agent's `n_calls`). */
  readonly nCalls: number;
  /** Accumulated cost (0 for self-hosted vLLM). */
  readonly cost: number;
  query(messages: readonly ChatMessage[], options?: QueryOptions): Promise<ModelResponse>;
  /** Extra template variables (mini-swe-agent's `model.get_template_vars()`). */
  templateVars(): Record<string, unknown>;
}

/** The request did not fit in the model's context window (terminates the run). */
export class ContextLengthExceededError extends AgentCoreError {
  override readonly name: string = "ContextLengthExceededError";
  constructor(
    message: string,
    readonly maxContextTokens: number | null,
    options?: { cause?: unknown },
  ) {
    super("context_length_exceeded", message, options);
  }
}
