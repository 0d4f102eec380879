/**
 * The proxy's own errors. Each carries the HTTP status it answers with; the app's error handler
 * turns it (and Fastify's own errors) into the OpenAI envelope `{"error":{message,type,param,code}}`.
 * @module
 */
import { errorCodes } from "fastify";
import { openAIError, type OpenAIErrorBody } from "@thunderagent/protocol";

export type ProxyErrorCode =
  | "invalid_json"
  | "invalid_body"
  | "invalid_program_id"
  | "body_too_large"
  | "unauthorized"
  | "not_found"
  | "profiling_disabled"
  | "upstream_unreachable"
  | "upstream_timeout"
  | "no_healthy_backend"
  | "overloaded"
  | "json_too_deep"
  | "request_timeout"
  | "shutting_down"
  | "invalid_query"
  | "dashboard_not_built"
  | "dashboard_busy"
  | "internal_error";

export class ProxyError extends Error {
  override readonly name = "ProxyError";
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code: ProxyErrorCode,
    readonly param: string | null = null,
    /** Seconds for the `Retry-After` header (503s the client may retry). */
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
  }

  toBody(): OpenAIErrorBody {
    return openAIError(this.statusCode, this.message, { param: this.param, code: this.code });
  }
}

/** Maps anything thrown inside a route to a status and envelope. */
export function toErrorResponse(err: unknown): { status: number; body: OpenAIErrorBody } {
  if (err instanceof ProxyError) return { status: err.statusCode, body: err.toBody() };
  const e = err as { statusCode?: unknown; message?: unknown };
  const status =
    typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 600
      ? e.statusCode
      : 500;
  const message = typeof e.message === "string" && e.message ? e.message : "internal error";
  if (err instanceof errorCodes.FST_ERR_CTP_BODY_TOO_LARGE)
    return { status: 413, body: openAIError(413, message, { code: "body_too_large" }) };
  if (status === 500) return { status, body: openAIError(500, "internal error") };
  return { status, body: openAIError(status, message) };
}
