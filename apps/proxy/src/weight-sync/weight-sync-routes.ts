/**
 * `POST /weight_sync/begin` and `POST /weight_sync/end`: the RL trainer's brackets around a weight
 * broadcast (see {@link WeightSync}). Both are idempotent; the body may be empty or any JSON
 * object (its fields are not read). The state is also in `/health` and the Prometheus metrics.
 * @module
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ProxyContext } from "../context.js";
import { ProxyError } from "../errors.js";

const ControlBody = z.union([z.undefined(), z.looseObject({})]);

function checkBody(body: unknown): void {
  if (!ControlBody.safeParse(body).success) {
    throw new ProxyError(400, "body must be empty or a JSON object", "invalid_body");
  }
}

export function weightSyncRoutes(app: FastifyInstance, ctx: ProxyContext): void {
  const sync = ctx.weightSync;
  app.post("/weight_sync/begin", async (request) => {
    checkBody(request.body);
    const { started } = sync.begin();
    return { status: "ok", started, weight_sync: sync.view() };
  });
  app.post("/weight_sync/end", async (request) => {
    checkBody(request.body);
    const { ended, duration_s } = sync.end();
    return { status: "ok", ended, duration_s, weight_sync: sync.view() };
  });
}
