/**
 * OpenAI `usage` objects → the Router's `Usage`.
 * @module
 */
import type { Usage } from "../router-port.js";
import type { UsageCounts } from "./sse-relay.js";

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null;
}

/** Null when the object carries no usable token counts. */
export function toUsage(raw: unknown): Usage | null {
  if (raw === null || typeof raw !== "object") return null;
  const u = raw as UsageCounts;
  const prompt = num(u.prompt_tokens);
  const completion = num(u.completion_tokens);
  const total = num(u.total_tokens);
  if (prompt === null && total === null) return null;
  const p = prompt ?? Math.max(0, (total ?? 0) - (completion ?? 0));
  const c = completion ?? Math.max(0, (total ?? 0) - p);
  const details = u.prompt_tokens_details;
  const cached = details && typeof details === "object" ? num(details.cached_tokens) : null;
  return {
    promptTokens: p,
    completionTokens: c,
    totalTokens: total ?? p + c,
    // vLLM omits prompt_tokens_details unless --enable-prompt-tokens-details: unknown, not 0.
    cachedTokens: cached,
  };
}

/**
 * The `usage` object of a non-streaming completion, read without parsing the whole body (the
 * choices can be long; `usage` is a small object near the end). Falls back to a full parse.
 */
export function extractUsage(body: string): unknown {
  const at = body.lastIndexOf('"usage":');
  if (at >= 0) {
    let i = at + 8;
    while (body.charCodeAt(i) === 32) i++;
    if (body.startsWith("null", i)) return null;
    if (body[i] === "{") {
      let depth = 0;
      for (let j = i; j < body.length; j++) {
        const c = body.charCodeAt(j);
        if (c === 123) depth++;
        else if (c === 125 && --depth === 0) {
          try {
            return JSON.parse(body.slice(i, j + 1)) as unknown;
          } catch {
            break;
          }
        }
      }
    }
  }
  try {
    return (JSON.parse(body) as { usage?: unknown }).usage;
  } catch {
    return undefined;
  }
}
