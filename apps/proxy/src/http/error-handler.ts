/**
 * Every error, and an unknown route, is answered in the OpenAI envelope; on a wire format's route
 * in that format's shape (Anthropic's on `/v1/messages`). A 503 the client may retry carries
 * `Retry-After`. Logging: a 4xx at debug; an upstream failure (502/503/504 of ours) one warn line
 * without a stack, rate-limited (the stack at debug); anything else over 500 an error with its
 * stack (a bug).
 * @module
 */
import type { FastifyInstance } from "fastify";
import type { ProxyContext } from "../context.js";
import { ProxyError, toErrorResponse } from "../errors.js";
import { WIRE_FORMATS } from "../formats/index.js";
import { LogLimiter } from "../reliability/log-limit.js";

export function answerErrorsAsOpenAI(
  app: FastifyInstance,
  ctx: ProxyContext,
  notFound: boolean,
): void {
  const formats = new Map(WIRE_FORMATS.map((f) => [f.path, f]));
  const limiter = new LogLimiter();
  app.setErrorHandler((err, request, reply) => {
    const { status, body } = toErrorResponse(err);
    if (err instanceof ProxyError && status >= 500) {
      const fields = { status, code: err.code, reason: err.message };
      limiter.warn(request.log, err.code, fields, "request failed", err);
    } else if (status >= 500) request.log.error({ err }, "request failed");
    else request.log.debug({ status, reason: body.error.message }, "request rejected");
    ctx.counters.rejectedRequests++;
    if (err instanceof ProxyError && err.retryAfterS !== null) {
      reply.header("retry-after", String(err.retryAfterS));
    }
    const format = formats.get((request.routeOptions.url ?? "").slice(app.prefix.length));
    return reply.code(status).send(format ? format.errorBody(status, body) : body);
  });
  // Not in a user's app (the plugin): its unknown routes are its own business.
  if (!notFound) return;
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = toErrorResponse(
      new ProxyError(
        404,
        `no route ${request.method} ${request.url.split("?", 1)[0]}`,
        "not_found",
      ),
    );
    return reply.code(status).send(body);
  });
}
