/**
 * Reading a streamed chat completion (SSE) into one reply: the content deltas joined, the
 * tool-call deltas assembled by their `index` (the id and name arrive first, the arguments in
 * fragments), the finish reason, the usage chunk and the first content token's time. vLLM's
 * mid-stream error event becomes an `APIError`. Reads on after `[DONE]` so the connection stays
 * reusable.
 * @module
 */
import OpenAI from "openai";
import type { ModelUsage, WireToolCall } from "./model.js";
import { SseDataParser } from "./sse-reader.js";

export interface StreamedReply {
  content: string;
  toolCalls: WireToolCall[];
  finishReason: string | null;
  firstToken: number | null;
  usage: ModelUsage | null;
}

/**
 * Reads the stream's events into one reply; `headers` gives the response's headers for the
 * `APIError` of a mid-stream error event.
 */
export async function readChatStream(
  body: AsyncIterable<Uint8Array | string>,
  headers: () => Headers,
  now: () => number,
): Promise<StreamedReply> {
  const reply = new ReplyBuilder(now);
  const parser = new SseDataParser();
  for await (const chunk of body) {
    for (const data of parser.push(chunk)) reply.add(data, headers);
  }
  for (const data of parser.end()) reply.add(data, headers);
  return reply.done();
}

type Chunk = Partial<OpenAI.ChatCompletionChunk> & { error?: unknown };

/** One reply assembled event by event (the events after `[DONE]` are read and ignored). */
class ReplyBuilder {
  readonly #parts: string[] = [];
  readonly #calls: WireToolCall[] = [];
  #firstToken: number | null = null;
  #usage: ModelUsage | null = null;
  #finishReason: string | null = null;
  #done = false;

  constructor(readonly now: () => number) {}

  add(data: string, headers: () => Headers): void {
    if (this.#done || data === "[DONE]") {
      this.#done = true;
      return;
    }
    const chunk = JSON.parse(data) as Chunk;
    if (chunk.error !== undefined && chunk.error !== null) {
      const err = chunk.error as { message?: unknown };
      const message = typeof err.message === "string" ? err.message : JSON.stringify(chunk.error);
      throw new OpenAI.APIError(undefined, chunk.error as object, message, headers());
    }
    const choice = chunk.choices?.[0];
    const delta = choice?.delta;
    if (delta?.content) {
      if (this.#firstToken === null) this.#firstToken = this.now();
      this.#parts.push(delta.content);
    }
    if (delta?.tool_calls) {
      if (this.#firstToken === null) this.#firstToken = this.now();
      for (const d of delta.tool_calls) addToolCallDelta(this.#calls, d);
    }
    if (choice?.finish_reason) this.#finishReason = choice.finish_reason;
    if (chunk.usage) this.#usage = usageOf(chunk.usage);
  }

  done(): StreamedReply {
    return {
      content: this.#parts.join(""),
      toolCalls: this.#calls.filter(Boolean),
      finishReason: this.#finishReason,
      firstToken: this.#firstToken,
      usage: this.#usage,
    };
  }
}

function addToolCallDelta(
  calls: WireToolCall[],
  d: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall,
) {
  const i = d.index ?? calls.length;
  const call = (calls[i] ??= { id: "", type: "function", function: { name: "", arguments: "" } });
  if (d.id) call.id = d.id;
  if (d.function?.name) call.function.name += d.function.name;
  if (d.function?.arguments) call.function.arguments += d.function.arguments;
}

/** Tool calls of a non-streamed message, in the wire shape. */
export function toolCallsOf(message: OpenAI.ChatCompletionMessage | undefined): WireToolCall[] {
  const out: WireToolCall[] = [];
  for (const c of message?.tool_calls ?? []) {
    if (c.type !== "function") continue;
    out.push({
      id: c.id,
      type: "function",
      function: { name: c.function.name, arguments: c.function.arguments },
    });
  }
  return out;
}

export function usageOf(u: OpenAI.CompletionUsage | null | undefined): ModelUsage | null {
  if (!u) return null;
  return {
    promptTokens: u.prompt_tokens ?? null,
    completionTokens: u.completion_tokens ?? null,
    cachedTokens: u.prompt_tokens_details?.cached_tokens ?? null,
  };
}
