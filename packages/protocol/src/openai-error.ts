/**
 * The OpenAI error envelope, `{"error":{"message","type","param","code"}}`: the shape of every error
 * the router itself produces (vLLM ≥ 0.10.1 answers the same way, with `code` the HTTP status).
 * @module
 */
import { z } from "zod";

export const OpenAIErrorBody = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.union([z.string(), z.number(), z.null()]),
  }),
});
export type OpenAIErrorBody = z.infer<typeof OpenAIErrorBody>;

/** OpenAI-style error types by HTTP status, as vLLM names them. */
export function errorTypeForStatus(status: number): string {
  if (status === 400) return "BadRequestError";
  if (status === 401) return "AuthenticationError";
  if (status === 403) return "PermissionDeniedError";
  if (status === 404) return "NotFoundError";
  if (status === 408) return "RequestTimeoutError";
  if (status === 413) return "PayloadTooLargeError";
  if (status === 422) return "UnprocessableEntityError";
  if (status === 429) return "RateLimitError";
  if (status === 502) return "BadGatewayError";
  if (status === 503) return "ServiceUnavailableError";
  if (status === 504) return "GatewayTimeoutError";
  return status >= 500 ? "InternalServerError" : "BadRequestError";
}

/** Builds the envelope; `code` defaults to the HTTP status, as vLLM does. */
export function openAIError(
  status: number,
  message: string,
  options: { type?: string; param?: string | null; code?: string | number | null } = {},
): OpenAIErrorBody {
  return {
    error: {
      message,
      type: options.type ?? errorTypeForStatus(status),
      param: options.param ?? null,
      code: options.code === undefined ? status : options.code,
    },
  };
}
