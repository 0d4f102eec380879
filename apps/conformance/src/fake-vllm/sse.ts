/**
 * The bodies a vLLM OpenAI server answers with: streaming chunks (compact JSON, one `data:` event
 * each, as vLLM writes them) and the non-streaming completion, with `usage` including
 * `prompt_tokens_details.cached_tokens`.
 * @module
 */
import type { UsageSpec } from "../scenario.js";

const MODEL = "conformance";

function usageObject(u: UsageSpec) {
  return {
    prompt_tokens: u.prompt,
    total_tokens: u.prompt + u.completion,
    completion_tokens: u.completion,
    prompt_tokens_details: { cached_tokens: u.cached },
  };
}

function chunk(id: string, delta: Record<string, string>, finish: string | null): string {
  const body = {
    id: `chatcmpl-${id}`,
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: MODEL,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

export const roleChunk = (id: string): string =>
  chunk(id, { role: "assistant", content: "" }, null);

export const contentChunk = (id: string): string => chunk(id, { content: "tok" }, null);

export const finishChunk = (id: string): string => chunk(id, { content: "" }, "stop");

export function usageChunk(id: string, u: UsageSpec): string {
  const body = {
    id: `chatcmpl-${id}`,
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: MODEL,
    choices: [],
    usage: usageObject(u),
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

export const DONE = "data: [DONE]\n\n";

export function completionBody(id: string, u: UsageSpec | null): string {
  return JSON.stringify({
    id: `chatcmpl-${id}`,
    object: "chat.completion",
    created: 1_700_000_000,
    model: MODEL,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "done", tool_calls: [] },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: u === null ? null : usageObject(u),
  });
}
