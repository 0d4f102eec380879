/**
 * Streaming answers: the SSE bytes go to the client as undici parses them, through
 * {@link SseRelay} (which only hides the usage-only chunk when the client had not asked for it),
 * with back-pressure from the client's socket to the upstream one. The Router hears the first
 * token, every content chunk, and the end: `complete` with the usage chunk's counts, or `fail` on
 * an in-stream error, a broken upstream or a client that hung up. A non-200 answer goes back
 * unchanged, like a non-streaming one.
 * @module
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ProxyContext } from "../context.js";
import type { StreamOutcome, StreamSink } from "../upstream/streaming.js";
import type { HangUp } from "../upstream/hang-up.js";
import type { UpstreamRequest } from "../upstream/upstreams.js";
import { ClientGone } from "./client-gone.js";
import { passUpstreamError } from "../upstream/pass-error.js";
import type { PreparedRequest } from "./prepare-request.js";
import { SseRelay } from "./sse-relay.js";
import { streamErrorEvent, upstreamFailure } from "../upstream/errors.js";
import { toUsage } from "./usage.js";

export async function forwardStream(
  ctx: ProxyContext,
  request: FastifyRequest,
  reply: FastifyReply,
  prepared: PreparedRequest,
  requestId: string,
  backend: string,
  upstreamRequest: UpstreamRequest & { signal: HangUp },
): Promise<void> {
  const { router, counters } = ctx;
  const signal = upstreamRequest.signal;
  const raw = reply.raw;
  const relay = new SseRelay(!prepared.clientWantsUsage, {
    content(first) {
      const now = ctx.now();
      if (first) router.firstToken(requestId, now);
      router.streamChunk(requestId, now);
    },
    usage() {},
    error() {},
  });
  const sink: StreamSink = {
    start(contentType) {
      counters.chatStreams++;
      reply.hijack();
      raw.writeHead(200, {
        "content-type": contentType ?? "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
      });
      // The headers go out now, so the client sees the stream open before the first token.
      raw.flushHeaders();
    },
    data(chunk) {
      const out = relay.push(chunk);
      if (out.length === 0) return true;
      counters.bytesStreamed += out.length;
      return raw.write(out);
    },
  };

  const handle = ctx.upstreams.stream(backend, upstreamRequest, sink);
  const onDrain = () => handle.resume();
  raw.on("drain", onDrain);
  let outcome: StreamOutcome;
  try {
    outcome = await handle.done;
  } catch (err) {
    // Nothing reached the client yet: a 502/504 (or nothing at all if the client left).
    router.fail(requestId, ctx.now());
    if (signal.aborted) throw new ClientGone();
    counters.upstreamErrors++;
    throw upstreamFailure(err, backend);
  } finally {
    raw.off("drain", onDrain);
  }
  if (outcome.kind === "status") {
    return void passUpstreamError(ctx, request, reply, requestId, backend, outcome);
  }

  const now = ctx.now();
  if (signal.aborted) {
    // The client hung up: the upstream request is already aborted (the signal fired).
    counters.clientAborts++;
    router.fail(requestId, now);
    raw.destroy();
    return;
  }
  if (outcome.kind === "broken") {
    counters.streamErrors++;
    router.fail(requestId, now);
    request.log.warn({ backend, err: outcome.error.message }, "upstream stream broke");
    raw.end(streamErrorEvent(`backend ${backend} stream broke: ${outcome.error.message}`));
    return;
  }
  const rest = relay.flush();
  if (rest.length > 0) raw.write(rest);
  if (relay.errorMessage !== null) {
    counters.streamErrors++;
    router.fail(requestId, now);
    request.log.debug({ backend }, "in-stream error chunk");
  } else {
    const usage = toUsage(relay.usage);
    if (usage) {
      const row = router.complete(requestId, usage, now);
      if (row) ctx.profile?.append(row);
    } else {
      router.fail(requestId, now);
    }
  }
  raw.end();
}
