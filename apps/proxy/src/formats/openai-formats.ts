/**
 * OpenAI chat completions and completions: both stream `data:` chunks whose `choices` carry the
 * tokens, ask for usage with `stream_options.include_usage` and get it in a `choices: []` chunk
 * (hidden from a client that had not asked), answer errors in the OpenAI envelope.
 * @module
 */
import type { UsageCounts } from "../chat/sse-relay.js";
import { streamErrorEvent } from "../upstream/errors.js";
import { errorMessage, isRecord, type EventDialect, type WireFormat } from "./wire-format.js";

/** Chunks as vLLM writes them: a content chunk holds `"choices":[{`. */
export const OPENAI_EVENTS: EventDialect = {
  contentMarker: Buffer.from('"choices":[{'),
  classify(rec) {
    if (rec["error"] !== undefined && rec["error"] !== null) {
      return { kind: "error", message: errorMessage(rec["error"]) };
    }
    const choices = rec["choices"];
    if (Array.isArray(choices) && choices.length === 0) {
      return isRecord(rec["usage"])
        ? { kind: "usage", counts: rec["usage"] as UsageCounts, usageOnly: true }
        : { kind: "usage", counts: {}, usageOnly: true };
    }
    return Array.isArray(choices) ? { kind: "content" } : { kind: "other" };
  },
};

function openAIFormat(name: string, path: string): WireFormat {
  return {
    name,
    path,
    identityPaths: [],
    usageOption: true,
    bodyUsage: (usage) => (isRecord(usage) ? (usage as UsageCounts) : null),
    events: OPENAI_EVENTS,
    errorBody: (_status, error) => error,
    streamError: streamErrorEvent,
  };
}

export const CHAT_FORMAT = openAIFormat("chat", "/v1/chat/completions");
export const COMPLETIONS_FORMAT = openAIFormat("completions", "/v1/completions");
