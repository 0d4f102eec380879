/**
 * ThunderAgent's REST surface besides chat: `/v1/models`, `/programs`, `/programs/release`,
 * `/health`, `/profiles`, `/profiles/:id`. Bodies are the Router's views, field for field.
 * @module
 */
import type { FastifyInstance } from "fastify";
import { ReleaseRequest } from "@thunderagent/protocol";
import { upstreamFailure } from "../upstream/errors.js";
import { upstreamHeaders } from "../upstream/headers.js";
import { passThrough } from "../upstream/pass-through.js";
import type { ProxyContext } from "../context.js";
import { ProxyError } from "../errors.js";
import { retryAfterS } from "../reliability/availability.js";
import { releaseProgram } from "../release-program.js";
import { STREAM_PROGRAMS_OVER, programsJsonStream } from "./programs-json.js";

export function adminRoutes(app: FastifyInstance, ctx: ProxyContext): void {
  // The original's body; `status` is "unavailable" (HTTP 503) while no backend is healthy.
  app.get("/health", async (_request, reply) => {
    const healthy = ctx.monitor.healthyCount();
    const view = ctx.router.healthView();
    if (healthy === 0) reply.code(503);
    return {
      ...view,
      status: healthy > 0 ? view.status : "unavailable",
      healthy_backends: healthy,
      weight_sync: ctx.weightSync.view(),
    };
  });

  app.get("/programs", async (_request, reply) => {
    if (ctx.router.programCount() <= STREAM_PROGRAMS_OVER) return ctx.router.programsView();
    reply.header("content-type", "application/json; charset=utf-8");
    return reply.send(programsJsonStream(ctx.router.programEntries()));
  });

  app.post("/programs/release", async (request) => {
    const parsed = ReleaseRequest.safeParse(request.body);
    if (!parsed.success) {
      throw new ProxyError(
        400,
        "body must be a JSON object with program_id (a non-empty string or a number)",
        "invalid_body",
        "program_id",
      );
    }
    const programId = String(parsed.data.program_id);
    const released = releaseProgram(ctx, programId, request.log, "release");
    return { program_id: programId, released };
  });

  const requireProfiling = () => {
    if (!ctx.config.profile) {
      throw new ProxyError(
        400,
        "profiling is disabled: start the router with --profile",
        "profiling_disabled",
      );
    }
  };

  app.get("/profiles", async () => {
    requireProfiling();
    return ctx.router.profilesView();
  });

  app.get<{ Params: { id: string } }>("/profiles/:id", async (request) => {
    requireProfiling();
    const profile = ctx.router.profileView(request.params.id);
    if (!profile) {
      throw new ProxyError(404, `no profile for program ${request.params.id}`, "not_found");
    }
    return profile;
  });

  app.get("/v1/models", async (request, reply) => {
    const backend = ctx.config.backends.find((b) => ctx.monitor.isHealthy(b));
    if (!backend) {
      throw new ProxyError(503, "no healthy backend", "no_healthy_backend", null, retryAfterS(ctx));
    }
    let res;
    try {
      res = await ctx.upstreams.request(backend, {
        method: "GET",
        path: "/v1/models",
        headers: upstreamHeaders(ctx, request),
      });
    } catch (err) {
      throw upstreamFailure(err, backend);
    }
    request.log.debug({ backend }, "models");
    return passThrough(reply, res);
  });
}
