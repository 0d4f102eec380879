/**
 * vLLM's OpenAI wire format for chat completions (docs/wire-facts.md, "Streaming"): stream chunks as
 * `data: <compact JSON>\n\n`, the role chunk first, the finishing chunk with `finish_reason` and
 * `stop_reason`, the `choices: []` usage chunk, `data: [DONE]`; and the non-streaming response.
 * Built as strings, field order as vLLM serialises them.
 * @module
 */
import type { ChatUsage as UsageInfo } from "@thunderagent/protocol";

export function usageInfo(
  promptTokens: number,
  completionTokens: number,
  cachedTokens: number,
  withDetails: boolean,
): UsageInfo {
  const u: UsageInfo = {
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens: completionTokens,
  };
  if (withDetails) u.prompt_tokens_details = { cached_tokens: cachedTokens };
  return u;
}

export class ChunkWriter {
  private readonly head: string;
  constructor(id: string, created: number, model: string) {
    this.head = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":`;
  }

  private frame(choices: string, usage: UsageInfo | null | undefined): string {
    const u = usage === undefined ? "" : `,"usage":${JSON.stringify(usage)}`;
    return `data: ${this.head}${choices}${u}}\n\n`;
  }

  /** The first chunk: `delta: {role: "assistant", content: ""}`. */
  role(usage?: UsageInfo): string {
    return this.frame(
      `[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]`,
      usage,
    );
  }

  content(text: string, usage?: UsageInfo): string {
    return this.frame(
      `[{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}]`,
      usage,
    );
  }

  /** The reply's tool calls in one delta (with the content not yet sent), as vLLM's parsers do. */
  toolCalls(text: string, calls: readonly { id: string; function: object }[]): string {
    const delta = calls.map((c, index) => ({
      index,
      id: c.id,
      type: "function",
      function: c.function,
    }));
    return this.frame(
      `[{"index":0,"delta":{"content":${JSON.stringify(text)},"tool_calls":${JSON.stringify(delta)}},"logprobs":null,"finish_reason":null}]`,
      undefined,
    );
  }

  finish(text: string, reason: string, usage?: UsageInfo): string {
    return this.frame(
      `[{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":${JSON.stringify(reason)},"stop_reason":null}]`,
      usage,
    );
  }

  /** The usage chunk (`choices: []`), sent when `stream_options.include_usage`. */
  usage(usage: UsageInfo): string {
    return this.frame("[]", usage);
  }

  /** A mid-stream error (HTTP 200 already sent). */
  static error(message: string, type: string, code: number): string {
    return `data: ${JSON.stringify({ error: { message, type, param: null, code } })}\n\n`;
  }
}

export const DONE = "data: [DONE]\n\n";

/** The non-streaming `chat.completion` body. */
export function completionBody(
  id: string,
  created: number,
  model: string,
  content: string,
  finishReason: string,
  usage: UsageInfo,
  toolCalls: readonly object[] = [],
): string {
  const withCalls = toolCalls.length > 0 && finishReason === "stop";
  return JSON.stringify({
    id,
    object: "chat.completion",
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content,
          refusal: null,
          annotations: null,
          audio: null,
          function_call: null,
          tool_calls: withCalls ? toolCalls : [],
          reasoning_content: null,
        },
        logprobs: null,
        finish_reason: withCalls ? "tool_calls" : finishReason,
        stop_reason: null,
      },
    ],
    service_tier: null,
    system_fingerprint: null,
    usage: { ...usage, prompt_tokens_details: usage.prompt_tokens_details ?? null },
    prompt_logprobs: null,
    kv_transfer_params: null,
  });
}
