/**
 * How upstream failures reach the client: 502 (unreachable, before any byte went out), 504
 * (`--upstream-timeout`, `--first-byte-timeout` or `--stream-idle-timeout` ran out), or an in-stream
 * error event once a stream's 200 was sent.
 * @module
 */
import { openAIError } from "@thunderagent/protocol";
import { ProxyError } from "../errors.js";
import { UpstreamTimeoutError } from "./handler-base.js";

/** 502 when the backend cannot be reached, 504 when `--upstream-timeout` ran out. */
export function upstreamFailure(err: unknown, backend: string): ProxyError {
  if (err instanceof UpstreamTimeoutError) {
    return new ProxyError(504, `backend ${backend} timed out: ${err.message}`, "upstream_timeout");
  }
  // undici's connection errors carry a code (ECONNREFUSED, UND_ERR_SOCKET…): it is the reason shown.
  const e = err as { code?: string; message?: string };
  if (e.code === "UND_ERR_HEADERS_TIMEOUT" || e.code === "UND_ERR_BODY_TIMEOUT") {
    const which =
      e.code === "UND_ERR_HEADERS_TIMEOUT" ? "--first-byte-timeout" : "--stream-idle-timeout";
    return new ProxyError(504, `backend ${backend} timed out (${which})`, "upstream_timeout");
  }
  return new ProxyError(
    502,
    `backend ${backend} is unreachable: ${e.code ?? e.message ?? "connection failed"}`,
    "upstream_unreachable",
  );
}

/** The in-stream error event written when a stream breaks after its 200 went out. */
export function streamErrorEvent(message: string): string {
  return `data: ${JSON.stringify(openAIError(502, message, { code: "upstream_stream_error" }))}\n\ndata: [DONE]\n\n`;
}
