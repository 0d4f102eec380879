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
import { readSseData } from "./sse-reader.js";

export interface StreamedReply {
  content: string;
  toolCalls: WireToolCall[];
  finishReason: string | null;
  firstToken: number | null;
  usage: ModelUsage | null;
}

type Chunk = Partial<OpenAI.ChatCompletionChunk> & { error?: unknown };

export async function readChatStream(
  response: Response,
  now: () => number,
): Promise<StreamedReply> {
  const parts: string[] = [];
  const calls: WireToolCall[] = [];
  let firstToken: number | null = null;
  let usage: ModelUsage | null = null;
  let finishReason: string | null = null;
  let done = false;
  for await (const data of readSseData(response.body)) {
    if (done || data === "[DONE]") {
      done = true;
      continue;
    }
    const chunk = JSON.parse(data) as Chunk;
    if (chunk.error !== undefined && chunk.error !== null) {
      const err = chunk.error as { message?: unknown };
      const message = typeof err.message === "string" ? err.message : JSON.stringify(chunk.error);
      throw new OpenAI.APIError(undefined, chunk.error as object, message, response.headers);
    }
    const choice = chunk.choices?.[0];
    const delta = choice?.delta;
    if (delta?.content) {
      if (firstToken === null) firstToken = now();
      parts.push(delta.content);
    }
    if (delta?.tool_calls) {
      if (firstToken === null) firstToken = now();
      for (const d of delta.tool_calls) addToolCallDelta(calls, d);
    }
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (chunk.usage) usage = usageOf(chunk.usage);
  }
  return {
    content: parts.join(""),
    toolCalls: calls.filter(Boolean),
    finishReason,
    firstToken,
    usage,
  };
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
