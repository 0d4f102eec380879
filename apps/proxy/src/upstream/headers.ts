/**
 * Which client headers go upstream: without keys of the proxy's own, the client's
 * `Authorization` (so a vLLM started with --api-key keeps working behind the proxy), and vLLM's
 * `X-data-parallel-rank`. `--backend-api-key` is added by the upstream pool itself.
 * @module
 */
import type { FastifyRequest } from "fastify";
import type { ProxyContext } from "../context.js";

export function upstreamHeaders(
  ctx: ProxyContext,
  request: FastifyRequest,
): Record<string, string> {
  const headers: Record<string, string> = {};
  // Without keys of our own, a client's key goes through (vLLM --api-key stays usable).
  const auth = request.headers.authorization;
  if (auth && ctx.config.apiKey === null && ctx.config.backendApiKey === null) {
    headers["authorization"] = auth;
  }
  const rank = request.headers["x-data-parallel-rank"];
  if (typeof rank === "string") headers["x-data-parallel-rank"] = rank;
  return headers;
}
