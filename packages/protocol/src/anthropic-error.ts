/**
 * Anthropic's error body, `{"type":"error","error":{"type","message"}}`: the shape of every error
 * on `/v1/messages`, from engine-sim and from the proxy alike. The error types by HTTP status are
 * Anthropic's documented ones.
 * @module
 */
import { z } from "zod";

export const AnthropicErrorBody = z.object({
  type: z.literal("error"),
  error: z.object({ type: z.string(), message: z.string() }),
});
export type AnthropicErrorBody = z.infer<typeof AnthropicErrorBody>;

/** Anthropic's error `type` for an HTTP status. */
export function anthropicErrorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limit_error";
  if (status === 503 || status === 529) return "overloaded_error";
  if (status === 504) return "timeout_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

export function anthropicError(status: number, message: string): AnthropicErrorBody {
  return { type: "error", error: { type: anthropicErrorType(status), message } };
}
