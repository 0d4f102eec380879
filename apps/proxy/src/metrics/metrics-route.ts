/**
 * `GET /metrics`: ThunderAgent's JSON, or the Prometheus text exposition when the `Accept` header
 * prefers `text/plain` / `application/openmetrics-text`.
 * @module
 */
import type { FastifyInstance } from "fastify";
import type { ProxyContext } from "../context.js";
import { PROMETHEUS_CONTENT_TYPE, prefersPrometheus, renderExposition } from "./exposition.js";
import { collectFamilies } from "./families.js";

export function metricsRoute(app: FastifyInstance, ctx: ProxyContext): void {
  app.get("/metrics", async (request, reply) => {
    if (prefersPrometheus(request.headers.accept)) {
      const text = renderExposition(collectFamilies(ctx));
      return reply.header("content-type", PROMETHEUS_CONTENT_TYPE).send(text);
    }
    return ctx.router.metricsView({
      metricsEnabled: ctx.config.metrics,
      metricsInterval: ctx.config.metrics ? ctx.config.metricsInterval : null,
      now: ctx.now(),
    });
  });
}
