/**
 * The engine's own answer to a completion it refused (400 context length, 404 model, 500 …) goes
 * back to the client unchanged, status, content type and body.
 * @module
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ProxyContext } from "../context.js";
import type { BufferedResponse } from "./buffered.js";

export function passUpstreamError(
  ctx: ProxyContext,
  request: FastifyRequest,
  reply: FastifyReply,
  requestId: string,
  backend: string,
  res: BufferedResponse,
): FastifyReply {
  ctx.counters.upstreamStatusErrors++;
  ctx.router.fail(requestId, ctx.now());
  if (res.contentType !== undefined) reply.header("content-type", res.contentType);
  request.log.debug({ backend, status: res.statusCode }, "upstream error status");
  return reply.code(res.statusCode).send(res.body);
}
