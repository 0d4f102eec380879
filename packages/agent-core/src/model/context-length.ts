/**
 * Recognises vLLM's context-length errors across versions (docs/wire-facts.md, "Errors"): HTTP 400
 * `BadRequestError` whose message says "maximum context length is L tokens" (v0.6–0.1x wording,
 * the max_tokens variant, and the 2026 `VLLMValidationError` wording with `(parameter=input_tokens…)`),
 * or whose `code` is the string "context_length_exceeded"; the body may be nested or legacy flat.
 * @module
 */

const MAX_CONTEXT = /maximum context length is (\d+) tokens/i;
const OTHER_WORDINGS = [
  /context length exceeded/i,
  /context_length_exceeded/i,
  /exceeds? the (?:model's )?(?:maximum )?context (?:length|window)/i,
  /prompt is too long/i,
  /input tokens? .*exceed/i,
];

export interface ContextLengthMatch {
  maxContextTokens: number | null;
}

/** Extracts the message of an error body: `{error:{message}}` or legacy `{message}`. */
export function errorBodyMessage(body: unknown): string | null {
  if (typeof body !== "object" || body === null) return null;
  const b = body as { error?: unknown; message?: unknown };
  if (typeof b.error === "object" && b.error !== null) {
    const m = (b.error as { message?: unknown }).message;
    if (typeof m === "string") return m;
  }
  if (typeof b.error === "string") return b.error;
  return typeof b.message === "string" ? b.message : null;
}

function errorBodyCode(body: unknown): unknown {
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as { error?: { code?: unknown }; code?: unknown };
  return typeof b.error === "object" && b.error !== null ? b.error.code : b.code;
}

/** Null unless (status, message, body) is a context-length overflow. */
export function matchContextLength(
  status: number | null,
  message: string,
  body?: unknown,
): ContextLengthMatch | null {
  if (status !== null && status !== 400 && status !== 413 && status !== 422) return null;
  const text = [message, errorBodyMessage(body) ?? ""].join("\n");
  const max = MAX_CONTEXT.exec(text);
  if (max) return { maxContextTokens: Number(max[1]) };
  if (errorBodyCode(body) === "context_length_exceeded") return { maxContextTokens: null };
  if (OTHER_WORDINGS.some((re) => re.test(text))) return { maxContextTokens: null };
  return null;
}
