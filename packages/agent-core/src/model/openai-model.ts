/**
 * The model adapter for OpenAI-compatible chat APIs, with the semantics of ThunderAgent's vLLM model
 * for mini-swe-agent: `program_id` at the top level of every request (where the router reads it),
 * `stream: true` by default with `stream_options.include_usage`, `max_completion_tokens` 2048
 * unless set, the temperature and other OpenAI parameters from `model_kwargs`, our own retries
 * and vLLM's context-length errors turned into ContextLengthExceededError. The request goes out on
 * undici (chat-http.ts), its errors shaped as the `openai` SDK's.
 * @module
 */
import OpenAI from "openai";
import type { ModelSection } from "../config/mini-config.js";
import { matchContextLength } from "./context-length.js";
import { postChat, responseHeaders } from "./chat-http.js";
import { readChatStream, toolCallsOf, usageOf } from "./chat-stream.js";
import {
  type ChatMessage,
  ContextLengthExceededError,
  type Model,
  type ModelResponse,
  type QueryOptions,
  type ToolSpec,
} from "./model.js";
import { type NormalizedError, type RetryPolicy, exponentialRetryPolicy } from "./retry-policy.js";
import { unixNow } from "../clock.js";

/** The OpenAI chat parameters passed through from `model_kwargs` (mini-swe-agent's filter). */
const OPENAI_PARAMS = new Set([
  "temperature",
  "top_p",
  "n",
  "stop",
  "max_tokens",
  "max_completion_tokens",
  "presence_penalty",
  "frequency_penalty",
  "logit_bias",
  "user",
  "seed",
  "response_format",
  "logprobs",
  "top_logprobs",
  "parallel_tool_calls",
  "tool_choice",
]);

export interface OpenAIModelOptions {
  config: ModelSection;
  /** Sent as the top-level `program_id` of every request. */
  programId: string;
  /** Sent as `docker_ids` with every request (the program's containers, for the router's GC). */
  dockerIds?: readonly string[];
  /** Unix seconds (injected for tests). */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  retryPolicy?: RetryPolicy;
  /** Called before each retry (for logs). */
  onRetry?: (info: { attempt: number; delayS: number; error: unknown }) => void;
}

export class OpenAIModel implements Model {
  readonly modelName: string;
  #nCalls = 0;
  readonly #config: ModelSection;
  readonly #programId: string;
  readonly #dockerIds: readonly string[];
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #policy: RetryPolicy;
  readonly #onRetry: OpenAIModelOptions["onRetry"];

  constructor(options: OpenAIModelOptions) {
    this.#config = options.config;
    this.modelName = options.config.model_name;
    this.#programId = options.programId;
    this.#dockerIds = options.dockerIds ?? [];
    this.#now = options.now ?? unixNow;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#policy = options.retryPolicy ?? exponentialRetryPolicy(options.config.retry);
    this.#onRetry = options.onRetry;
  }

  get nCalls(): number {
    return this.#nCalls;
  }

  get cost(): number {
    return 0;
  }

  templateVars(): Record<string, unknown> {
    return { ...this.#config, n_model_calls: this.#nCalls, model_cost: 0 };
  }

  buildRequest(
    messages: readonly ChatMessage[],
    tools: readonly ToolSpec[] = [],
  ): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.#config.model_kwargs)) {
      if (OPENAI_PARAMS.has(key) && value !== undefined) body[key] = value;
    }
    if (body["max_completion_tokens"] === undefined && body["max_tokens"] === undefined) {
      body["max_completion_tokens"] = this.#config.max_completion_tokens;
    }
    body["model"] = this.#config.model_name;
    body["messages"] = messages.map(wireMessage);
    if (tools.length > 0) body["tools"] = tools;
    else {
      delete body["parallel_tool_calls"];
      delete body["tool_choice"];
    }
    body["stream"] = this.#config.stream;
    if (this.#config.stream) body["stream_options"] = { include_usage: true };
    body["program_id"] = this.#programId;
    if (this.#dockerIds.length > 0) body["docker_ids"] = [...this.#dockerIds];
    return body;
  }

  async query(
    messages: readonly ChatMessage[],
    options: QueryOptions = {},
  ): Promise<ModelResponse> {
    const body = this.buildRequest(messages, options.tools);
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.#once(body, options.signal);
        this.#nCalls++;
        return { ...response, attempts: attempt };
      } catch (error) {
        const normalized = normalizeError(error, options.signal);
        if (normalized.isContextLength) {
          const match = matchContextLength(400, errorMessage(error), apiErrorBody(error));
          throw new ContextLengthExceededError(
            errorMessage(error),
            match?.maxContextTokens ?? null,
            {
              cause: error,
            },
          );
        }
        const decision = this.#policy(normalized, attempt);
        if (!decision.retry) throw error;
        this.#onRetry?.({ attempt, delayS: decision.delayS, error });
        await this.#sleep(decision.delayS * 1000, options.signal);
      }
    }
  }

  async #once(
    body: Record<string, unknown>,
    signal: AbortSignal | undefined,
  ): Promise<Omit<ModelResponse, "attempts">> {
    const config = this.#config;
    const res = await postChat({
      baseUrl: resolveBaseUrl(config),
      apiKey: config.api_key || "EMPTY",
      body: JSON.stringify(body),
      timeoutMs: config.timeout === null ? null : config.timeout * 1000,
      signal,
    });
    if (!config.stream) {
      const completion = (await res.body.json()) as OpenAI.ChatCompletion;
      const choice = completion.choices[0];
      return {
        content: choice?.message.content ?? "",
        toolCalls: toolCallsOf(choice?.message),
        finishReason: choice?.finish_reason ?? null,
        firstToken: null,
        lastToken: this.#now(),
        usage: usageOf(completion.usage),
      };
    }
    res.body.setEncoding("utf8");
    const reply = await readChatStream(res.body, () => responseHeaders(res), this.#now);
    const lastToken = this.#now();
    return { ...reply, firstToken: reply.firstToken ?? lastToken, lastToken };
  }
}

/** A message as the API takes it: tool calls and tool-call ids only where they are set. */
function wireMessage(m: ChatMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { role: m.role, content: m.content };
  if (m.tool_calls && m.tool_calls.length > 0) out["tool_calls"] = m.tool_calls;
  if (m.tool_call_id !== undefined) out["tool_call_id"] = m.tool_call_id;
  return out;
}

/** `model_kwargs.api_base`/`base_url` (litellm style) win over `base_url`, as in the seed. */
export function resolveBaseUrl(config: ModelSection): string {
  return config.model_kwargs.api_base ?? config.model_kwargs.base_url ?? config.base_url;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function apiErrorBody(error: unknown): unknown {
  return error instanceof OpenAI.APIError ? error.error : undefined;
}

/** Maps SDK and fetch errors onto the policy's view of them. */
export function normalizeError(error: unknown, signal?: AbortSignal): NormalizedError {
  const base: NormalizedError = {
    status: null,
    isNetworkError: false,
    isAbort: false,
    isContextLength: false,
    retryAfterS: null,
    isUnknown: false,
  };
  if (signal?.aborted || error instanceof OpenAI.APIUserAbortError)
    return { ...base, isAbort: true };
  if (error instanceof Error && error.name === "AbortError") return { ...base, isAbort: true };
  if (error instanceof OpenAI.APIConnectionError) return { ...base, isNetworkError: true };
  if (error instanceof OpenAI.APIError) {
    const status = typeof error.status === "number" ? error.status : null;
    const match = matchContextLength(status, error.message, error.error);
    const retryAfter = Number(error.headers?.get?.("retry-after"));
    return {
      ...base,
      status,
      isContextLength: match !== null,
      retryAfterS: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    };
  }
  // A stream cut mid-way surfaces as a TypeError ("terminated") or a socket error; anything
  // else (a bug, an unexpected shape) is not retried.
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code;
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  const text = `${errorMessage(error)} ${String(code ?? "")} ${String(causeCode ?? "")}`;
  if (/terminated|fetch failed|socket|network|ECONN|EPIPE|ETIMEDOUT|UND_ERR|closed/i.test(text)) {
    return { ...base, isNetworkError: true };
  }
  return { ...base, isUnknown: true };
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
