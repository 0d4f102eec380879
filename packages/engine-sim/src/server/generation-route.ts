/**
 * Registers one generation route: log the request, let the format's adapter validate the body
 * and plan the generation, then answer streaming or not through the shared runner
 * (generation.ts). Every route of engine-sim that generates text is one call of this.
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from "fastify";
import type { ScriptedModel } from "../scripted/scripted-model.js";
import type { EngineDriver } from "./driver.js";
import {
  jsonGeneration,
  replyContext,
  streamGeneration,
  type Counts,
  type FinishReason,
  type Generation,
  type ReplyContext,
  type StreamFormat,
} from "./generation.js";
import type { ResolvedServerOptions } from "./options.js";
import type { RequestLog } from "./request-log.js";

export interface GenerationRouteDeps {
  options: ResolvedServerOptions;
  driver: EngineDriver;
  scripted: ScriptedModel;
  requestLog: RequestLog;
}

/** One wire format: how its body becomes a generation, and how the answer is written. */
export interface FormatAdapter<P> {
  /** Validates the body (throwing the route's errors) and plans the generation. */
  prepare(raw: unknown, deps: GenerationRouteDeps): { gen: Generation; request: P };
  stream(gen: Generation, request: P, ctx: ReplyContext): StreamFormat;
  body(
    gen: Generation,
    request: P,
    ctx: ReplyContext,
  ): (text: string, reason: FinishReason, counts: Counts) => string;
}

export function registerGenerationRoute<P>(
  app: FastifyInstance,
  path: string,
  deps: GenerationRouteDeps,
  adapter: FormatAdapter<P>,
  routeOptions: RouteShorthandOptions = {},
): void {
  const ctx = replyContext(deps.options, deps.driver);
  app.post(path, routeOptions, (request: FastifyRequest, reply: FastifyReply) => {
    deps.requestLog.add({
      at: Date.now() / 1000,
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body,
    });
    const { gen, request: req } = adapter.prepare(request.body, deps);
    reply.hijack();
    if (gen.stream) streamGeneration(reply.raw, gen, ctx, adapter.stream(gen, req, ctx));
    else jsonGeneration(reply.raw, gen, ctx, adapter.body(gen, req, ctx));
  });
}
