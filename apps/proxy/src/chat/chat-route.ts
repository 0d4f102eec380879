/**
 * The data-plane routes, one per wire format (`/v1/chat/completions`, `/v1/completions`,
 * `/v1/responses`, `/v1/messages`; formats/): resolve the program, ask the Router where and when,
 * wait if the program is paused, forward through the backend's keep-alive pool, pass the answer
 * (or the SSE bytes) back, and report usage, first-token time, progress and failures to the
 * Router. The format adapter says where usage sits and what errors look like; the rest is shared.
 * The request's Fastify id is its id in the Router and in every log line about it.
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { countRequest, type ProxyContext, type RouteCounts } from "../context.js";
import { WIRE_FORMATS, type WireFormat } from "../formats/index.js";
import {
  awaitHealthyBackend,
  checkProgramRoom,
  checkWaitRoom,
  noHealthyBackend,
  watchOutage,
} from "../reliability/availability.js";
import { HangUp } from "../upstream/hang-up.js";
import { ClientGone } from "./client-gone.js";
import { closeIfAsked, type Exchange } from "./exchange.js";
import { forward } from "./forward.js";
import { prepareRequest } from "./prepare-request.js";
import { forwardStream } from "./stream.js";

export function chatRoute(app: FastifyInstance, ctx: ProxyContext): void {
  const ids = new RouterIds();
  for (const format of WIRE_FORMATS) {
    const counts: RouteCounts = { requests: 0, streams: 0 };
    app.post(format.path, (request, reply) => handleChat(ctx, ids, format, counts, request, reply));
  }
}

/**
 * The Router's ids of the requests in flight (every route). A request's id is its Fastify id; two requests
 * in flight may carry the same one (a client's `x-request-id`), and the Router needs them apart.
 */
class RouterIds {
  readonly #inFlight = new Set<string>();
  #clashes = 0;

  claim(requestId: string): string {
    const id = this.#inFlight.has(requestId) ? `${requestId}~${++this.#clashes}` : requestId;
    this.#inFlight.add(id);
    return id;
  }

  release(id: string): void {
    this.#inFlight.delete(id);
  }
}

async function handleChat(
  ctx: ProxyContext,
  ids: RouterIds,
  format: WireFormat,
  counts: RouteCounts,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const prepared = prepareRequest(format, request.body, request.headers);
  const requestId = ids.claim(request.id);
  const { programId } = prepared;
  // Every later line about the request (errors, "request done") carries the program too.
  request.log = request.log.child(
    requestId === request.id ? { programId } : { programId, routerRequestId: requestId },
  );
  const x: Exchange = {
    ctx,
    request,
    reply,
    prepared,
    routeCounts: counts,
    requestId,
    log: request.log,
    hangUp: new HangUp(),
    backend: "",
  };
  countRequest(ctx.counters, format.name, counts);
  ctx.counters.inflight++;
  const onClose = () => {
    if (!reply.raw.writableFinished) x.hangUp.abort();
  };
  reply.raw.once("close", onClose);
  try {
    await route(x);
    await (prepared.stream ? forwardStream(x) : forward(x));
  } catch (err) {
    if (!(err instanceof ClientGone)) throw err;
    ctx.counters.clientAborts++;
    // Nobody to answer: tell Fastify the reply is ours, and drop the socket.
    if (!reply.sent) reply.hijack();
    reply.raw.destroy();
  } finally {
    ctx.counters.inflight--;
    reply.raw.off("close", onClose);
    ids.release(requestId);
    closeIfAsked(x);
  }
}

/**
 * Waits out a weight sync, asks the Router where the request goes, waits for its turn if told to,
 * and sets `x.backend`.
 */
async function route(x: Exchange): Promise<void> {
  const { router, now } = x.ctx;
  // During a weight sync a new request waits for its end before the Router hears of it.
  await x.ctx.weightSync.pass(x.hangUp);
  const { programId, dockerIds } = x.prepared;
  // No healthy backend: wait (bounded) for one before the Router hears of the request.
  await awaitHealthyBackend(x.ctx, x.hangUp);
  checkProgramRoom(x.ctx, programId);
  const decision = router.arrive(
    {
      requestId: x.requestId,
      programId,
      payloadChars: x.request.bodyChars,
      ...(dockerIds.length > 0 ? { dockerIds } : {}),
    },
    now(),
  );
  x.backend = decision.kind === "forward" ? decision.backend : await waitForTurn(x);
  router.forwarded(x.requestId, now());
  x.log.debug({ backend: x.backend, waited: decision.kind === "wait" }, "forwarded");
}

/**
 * Settles when the client hangs up (rejects with ClientGone), the scheduler resumes the request,
 * or every backend has been down for `--wait-for-backend` (503). Over `--max-waiting`: 503 at once.
 */
function waitForTurn(x: Exchange): Promise<string> {
  const { ctx, requestId, hangUp } = x;
  return new Promise<string>((resolve, reject) => {
    const giveUp = (err: Error) => {
      stopWatch();
      hangUp.off("abort", onAbort);
      if (ctx.waiters.drop(requestId)) ctx.router.cancelPending(requestId, ctx.now());
      reject(err);
    };
    const onAbort = () => giveUp(new ClientGone());
    let stopWatch = () => {};
    if (hangUp.aborted) return onAbort();
    try {
      checkWaitRoom(ctx);
    } catch (err) {
      ctx.router.cancelPending(requestId, ctx.now());
      return reject(err as Error);
    }
    hangUp.once("abort", onAbort);
    stopWatch = watchOutage(ctx, () => giveUp(noHealthyBackend(ctx)));
    ctx.waiters.wait(requestId).then(
      (backend) => {
        stopWatch();
        hangUp.off("abort", onAbort);
        resolve(backend);
      },
      (err: unknown) => {
        stopWatch();
        hangUp.off("abort", onAbort);
        // Shutdown: the Router forgets the pending request with it.
        ctx.router.cancelPending(requestId, ctx.now());
        reject(err as Error);
      },
    );
  });
}
