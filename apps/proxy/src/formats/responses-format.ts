/**
 * OpenAI's Responses API: named events whose `type` says what they are; text arrives in
 * `response.output_text.delta`, usage in the final `response.completed` (or
 * `response.incomplete`, `response.failed`) as `input_tokens`, `input_tokens_details.cached_tokens`,
 * `output_tokens`. No `stream_options`: usage always comes, so nothing is hidden. Errors in the
 * OpenAI envelope; an in-stream error is an `error` event.
 * @module
 */
import type { UsageCounts } from "../chat/sse-relay.js";
import {
  errorMessage,
  isRecord,
  nonNegative,
  type EventMeaning,
  type WireFormat,
} from "./wire-format.js";

/** Responses usage as chat's counts. */
function counts(usage: unknown): UsageCounts | null {
  if (!isRecord(usage)) return null;
  const details = usage["input_tokens_details"];
  const cached = isRecord(details) ? nonNegative(details["cached_tokens"]) : undefined;
  const out: UsageCounts = {};
  const input = nonNegative(usage["input_tokens"]);
  const output = nonNegative(usage["output_tokens"]);
  const total = nonNegative(usage["total_tokens"]);
  if (input !== undefined) out.prompt_tokens = input;
  if (output !== undefined) out.completion_tokens = output;
  if (total !== undefined) out.total_tokens = total;
  if (cached !== undefined) out.prompt_tokens_details = { cached_tokens: cached };
  return out;
}

const FINAL_EVENTS = new Set(["response.completed", "response.incomplete", "response.failed"]);

function classify(rec: Record<string, unknown>): EventMeaning {
  const type = rec["type"];
  if (type === "response.output_text.delta") return { kind: "content" };
  if (type === "error") return { kind: "error", message: errorMessage(rec) };
  if (typeof type !== "string" || !FINAL_EVENTS.has(type)) {
    return rec["error"]
      ? { kind: "error", message: errorMessage(rec["error"]) }
      : { kind: "other" };
  }
  const response = isRecord(rec["response"]) ? rec["response"] : {};
  if (type === "response.failed") {
    return { kind: "error", message: errorMessage(response["error"] ?? "response failed") };
  }
  const c = counts(response["usage"]);
  return c ? { kind: "usage", counts: c, usageOnly: false } : { kind: "other" };
}

export const RESPONSES_FORMAT: WireFormat = {
  name: "responses",
  path: "/v1/responses",
  identityPaths: [],
  usageOption: false,
  bodyUsage: counts,
  events: {
    contentMarker: Buffer.from('"type":"response.output_text.delta"'),
    classify,
  },
  errorBody: (_status, error) => error,
  streamError: (message) =>
    `event: error\ndata: ${JSON.stringify({ type: "error", code: "upstream_stream_error", message, param: null })}\n\n`,
};
