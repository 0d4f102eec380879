/**
 * `stream_options` as vLLM reads it on chat and completions, and the OpenAI `usage` of a count.
 * @module
 */
import type { ChatUsage, StreamOptions } from "@thunderagent/protocol";
import { STREAM_OPTIONS_MESSAGE, badRequest } from "./errors.js";
import type { Counts, ReplyContext } from "./generation.js";
import { usageInfo } from "./wire.js";

export interface UsageStreamOptions {
  /** The usage-only chunk (`choices: []`) is sent before `[DONE]`. */
  includeUsage: boolean;
  /** Every chunk carries the running usage. */
  continuous: boolean;
}

/** Reads `stream_options`; a 400 when it is set on a request that does not stream. */
export function usageStreamOptions(
  stream: boolean,
  so: StreamOptions | null | undefined,
): UsageStreamOptions {
  // vLLM: `if data.get("stream_options") and not data.get("stream")`: an empty object is falsy.
  if (so !== undefined && so !== null && Object.keys(so).length > 0 && !stream) {
    throw badRequest(STREAM_OPTIONS_MESSAGE);
  }
  // include_usage defaults to true inside the object, so {} already asks for usage.
  const includeUsage = stream && so !== undefined && so !== null && so.include_usage !== false;
  return { includeUsage, continuous: includeUsage && so?.continuous_usage_stats === true };
}

export function usageOf(c: Counts, ctx: ReplyContext): ChatUsage {
  return usageInfo(c.promptTokens, c.completionTokens, c.cachedTokens, ctx.details);
}
