/**
 * Anthropic's Messages API: named events (`message_start`, `content_block_delta`, `message_delta`,
 * `message_stop`, …); text in `content_block_delta`, the input side of the usage in
 * `message_start`, the output side (and, from vLLM, the input again) in `message_delta`. As
 * Anthropic counts, the prompt is `input_tokens` + `cache_read_input_tokens` +
 * `cache_creation_input_tokens` (vLLM sends only `input_tokens`, the whole prompt). The program id
 * may also be `metadata.program_id`. Errors, on this route, in Anthropic's shape.
 * @module
 */
import { anthropicError, anthropicErrorType } from "@thunderagent/protocol";
import type { UsageCounts } from "../chat/sse-relay.js";
import {
  errorMessage,
  isRecord,
  nonNegative,
  type EventMeaning,
  type WireFormat,
} from "./wire-format.js";

/** Anthropic usage as chat's counts (only the fields it holds: a stream's events each hold part). */
function counts(usage: unknown): UsageCounts | null {
  if (!isRecord(usage)) return null;
  const out: UsageCounts = {};
  const input = nonNegative(usage["input_tokens"]);
  const read = nonNegative(usage["cache_read_input_tokens"]);
  const created = nonNegative(usage["cache_creation_input_tokens"]);
  const output = nonNegative(usage["output_tokens"]);
  if (input !== undefined) out.prompt_tokens = input + (read ?? 0) + (created ?? 0);
  if (read !== undefined) out.prompt_tokens_details = { cached_tokens: read };
  if (output !== undefined) out.completion_tokens = output;
  return out;
}

function classify(rec: Record<string, unknown>): EventMeaning {
  const type = rec["type"];
  if (type === "content_block_delta") return { kind: "content" };
  if (type === "error" || (rec["error"] !== undefined && rec["error"] !== null)) {
    return { kind: "error", message: errorMessage(rec["error"]) };
  }
  const usage =
    type === "message_start" && isRecord(rec["message"])
      ? rec["message"]["usage"]
      : type === "message_delta"
        ? rec["usage"]
        : undefined;
  const c = counts(usage);
  return c ? { kind: "usage", counts: c, usageOnly: false } : { kind: "other" };
}

export const MESSAGES_FORMAT: WireFormat = {
  name: "messages",
  path: "/v1/messages",
  identityPaths: [["metadata", "program_id"]],
  usageOption: false,
  bodyUsage: counts,
  events: { contentMarker: Buffer.from('"type":"content_block_delta"'), classify },
  errorBody: (status, error) => anthropicError(status, error.error.message),
  streamError: (message) =>
    `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: anthropicErrorType(502), message } })}\n\n`,
};
