/**
 * `POST /v1/chat/completions`: resolve the program, ask the Router where and when, wait if the
 * program is paused, forward through the backend's keep-alive pool, pass the answer (or the SSE
 * bytes) back, and report usage, first-token time, progress and failures to the Router.
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ProxyContext } from "../context.js";
import { HangUp } from "../upstream/hang-up.js";
import type { BufferedResponse } from "../upstream/buffered.js";
import { ClientGone } from "./client-gone.js";
import { passUpstreamError } from "../upstream/pass-error.js";
import { prepareChatRequest, type PreparedRequest } from "./prepare-request.js";
import { forwardStream } from "./stream.js";
import { upstreamFailure } from "../upstream/errors.js";
import { upstreamHeaders } from "../upstream/headers.js";
import { extractUsage, toUsage } from "./usage.js";

let seq = 0;

export function chatRoute(app: FastifyInstance, ctx: ProxyContext): void {
  app.post("/v1/chat/completions", (request, reply) => handleChat(ctx, request, reply));
}

/** Settles when `signal` aborts (the client hung up) or the scheduler resumes the request. */
function waitForTurn(ctx: ProxyContext, requestId: string, signal: HangUp): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const onAbort = () => {
      if (ctx.waiters.drop(requestId)) ctx.router.cancelPending(requestId, ctx.now());
      reject(new ClientGone());
    };
    if (signal.aborted) return onAbort();
    signal.once("abort", onAbort);
    ctx.waiters.wait(requestId).then(
      (backend) => {
        signal.off("abort", onAbort);
        resolve(backend);
      },
      (err: unknown) => {
        signal.off("abort", onAbort);
        // Shutdown: the Router forgets the pending request with it.
        ctx.router.cancelPending(requestId, ctx.now());
        reject(err as Error);
      },
    );
  });
}

async function handleChat(
  ctx: ProxyContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const prepared = prepareChatRequest(request.body);
  const requestId = `r${++seq}`;
  const { router, counters } = ctx;
  counters.chatRequests++;
  counters.inflight++;
  const hangUp = new HangUp();
  const onClose = () => {
    if (!reply.raw.writableFinished) hangUp.abort();
  };
  reply.raw.once("close", onClose);
  try {
    const decision = router.arrive(
      {
        requestId,
        programId: prepared.programId,
        payloadChars: request.bodyChars,
        ...(prepared.dockerIds.length > 0 ? { dockerIds: prepared.dockerIds } : {}),
      },
      ctx.now(),
    );
    const backend =
      decision.kind === "forward" ? decision.backend : await waitForTurn(ctx, requestId, hangUp);
    router.forwarded(requestId, ctx.now());
    await forward(ctx, request, reply, prepared, requestId, backend, hangUp);
  } catch (err) {
    if (err instanceof ClientGone) {
      counters.clientAborts++;
      // Nobody to answer: tell Fastify the reply is ours, and drop the socket.
      if (!reply.sent) reply.hijack();
      reply.raw.destroy();
      return;
    }
    throw err;
  } finally {
    counters.inflight--;
    reply.raw.off("close", onClose);
  }
}

async function forward(
  ctx: ProxyContext,
  request: FastifyRequest,
  reply: FastifyReply,
  prepared: PreparedRequest,
  requestId: string,
  backend: string,
  signal: HangUp,
): Promise<void> {
  const upstreamRequest = {
    method: "POST" as const,
    path: "/v1/chat/completions",
    body: prepared.upstreamBody,
    headers: upstreamHeaders(ctx, request),
    signal,
  };
  if (prepared.stream)
    return forwardStream(ctx, request, reply, prepared, requestId, backend, upstreamRequest);

  const { router, counters } = ctx;
  let res: BufferedResponse;
  try {
    res = await ctx.upstreams.request(backend, upstreamRequest);
  } catch (err) {
    router.fail(requestId, ctx.now());
    if (signal.aborted) throw new ClientGone();
    counters.upstreamErrors++;
    throw upstreamFailure(err, backend);
  }
  if (res.statusCode !== 200)
    return passUpstreamError(ctx, request, reply, requestId, backend, res);

  const now = ctx.now();
  router.firstToken(requestId, now);
  const usage = toUsage(extractUsage(res.body.toString("utf8")));
  if (usage) {
    const row = router.complete(requestId, usage, now);
    if (row) ctx.profile?.append(row);
  } else {
    router.fail(requestId, now);
  }
  reply.header("content-type", res.contentType ?? "application/json");
  return reply.code(200).send(res.body);
}
