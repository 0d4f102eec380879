/**
 * One request (any wire format) on its way through the proxy ({@link Exchange}), and the steps every answer
 * shares whether it streams or not: the upstream request, a failure before any answer, an error
 * status passed through, and the end the Router hears (complete with the usage, or fail).
 * @module
 */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from "fastify";
import type { ProxyContext, RouteCounts } from "../context.js";
import { releaseProgram } from "../release-program.js";
import type { Usage } from "../router-port.js";
import type { BufferedResponse } from "../upstream/buffered.js";
import { upstreamFailure } from "../upstream/errors.js";
import type { HangUp } from "../upstream/hang-up.js";
import { upstreamHeaders } from "../upstream/headers.js";
import { passThrough } from "../upstream/pass-through.js";
import type { UpstreamRequest } from "../upstream/upstreams.js";
import { ClientGone } from "./client-gone.js";
import type { PreparedRequest } from "./prepare-request.js";

export interface Exchange {
  readonly ctx: ProxyContext;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly prepared: PreparedRequest;
  /** The counts of its route (`prepared.format`), resolved where the route was registered. */
  readonly routeCounts: RouteCounts;
  /**
   * The Router's id for the request: Fastify's `request.id` (the client's `x-request-id`, else
   * generated), with a suffix only while another request in flight holds the same id.
   */
  readonly requestId: string;
  /** The request's logger: `reqId`, `programId` (and `routerRequestId` when it differs). */
  readonly log: FastifyBaseLogger;
  /** Fires when the client hangs up; the upstream request is aborted with it. */
  readonly hangUp: HangUp;
  /** Where the Router sent the request; set once it is forwarded. */
  backend: string;
}

/** The completion request that goes to `x.backend`. */
export function upstreamRequest(x: Exchange): UpstreamRequest & { signal: HangUp } {
  return {
    method: "POST",
    path: x.prepared.format.path,
    body: x.prepared.upstreamBody,
    headers: upstreamHeaders(x.ctx, x.request),
    signal: x.hangUp,
  };
}

/**
 * The upstream request failed before any answer: the Router hears `fail`; what to throw is
 * {@link ClientGone} when the client had hung up, else a 502/504.
 */
export function upstreamFailed(x: Exchange, err: unknown): Error {
  x.ctx.router.fail(x.requestId, x.ctx.now());
  if (x.hangUp.aborted) return new ClientGone();
  x.ctx.counters.upstreamErrors++;
  return upstreamFailure(err, x.backend);
}

/** The engine refused the completion (400 context length, 404 model, 500 …): passed unchanged. */
export function upstreamRefused(x: Exchange, res: BufferedResponse): void {
  x.ctx.counters.upstreamStatusErrors++;
  x.ctx.router.fail(x.requestId, x.ctx.now());
  x.log.debug({ backend: x.backend, status: res.statusCode }, "upstream error status");
  passThrough(x.reply, res);
}

/**
 * The end every answer shares: with usable token counts the step completes (and its profile row
 * is appended with `--profile`); without them the Router hears `fail`.
 */
export function finish(x: Exchange, usage: Usage | null, now: number): void {
  const { router, profile } = x.ctx;
  if (!usage) return router.fail(x.requestId, now);
  const row = router.complete(x.requestId, usage, now);
  if (row) profile?.append(row);
}

/**
 * The request is over, whatever its end (answered, refused, failed, the client gone): with the
 * in-band close signal (`x-session-final: true`, …) its program is released now, as
 * `POST /programs/release` would. Every data-plane route calls it once, after the Router heard
 * the request's end.
 */
export function closeIfAsked(x: Exchange): void {
  if (x.prepared.closeOnEnd) releaseProgram(x.ctx, x.prepared.programId, x.log, "in-band close");
}
