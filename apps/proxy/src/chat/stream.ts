/**
 * Streaming answers: the SSE bytes go to the client as undici parses them, through
 * {@link SseRelay} (which only hides the usage-only chunk when the client had not asked for it),
 * with back-pressure from the client's socket to the upstream one. The Router hears the first
 * token, every content chunk, and the end: `complete` with the usage chunk's counts, or `fail` on
 * an in-stream error, a broken upstream or a client that hung up. A non-200 answer goes back
 * unchanged, like a non-streaming one.
 * @module
 */
import { withRetries } from "../reliability/retry.js";
import type { StreamOutcome, StreamSink } from "../upstream/streaming.js";
import {
  finish,
  upstreamFailed,
  upstreamRefused,
  upstreamRequest,
  type Exchange,
} from "./exchange.js";
import { SseRelay } from "./sse-relay.js";
import { toUsage } from "./usage.js";

export async function forwardStream(x: Exchange): Promise<void> {
  const relay = watchEvents(x);
  const sink = clientSink(x, relay);
  let outcome: StreamOutcome;
  try {
    // Retried (reliability/retry.ts) only while nothing reached the client: before a 200.
    outcome = await withRetries(
      x,
      (backend) => streamFrom(x, backend, sink),
      (o) => (o.kind === "status" ? o.statusCode : null),
    );
  } catch (err) {
    // Nothing reached the client yet: a 502/504 (or nothing at all if the client left).
    throw upstreamFailed(x, err);
  }
  if (outcome.kind === "status") return upstreamRefused(x, outcome);
  endStream(x, outcome, relay);
}

/** One upstream attempt, with back-pressure from the client's socket. */
async function streamFrom(x: Exchange, backend: string, sink: StreamSink): Promise<StreamOutcome> {
  const handle = x.ctx.upstreams.stream(backend, upstreamRequest(x), sink);
  const raw = x.reply.raw;
  const onDrain = () => handle.resume();
  raw.on("drain", onDrain);
  try {
    return await handle.done;
  } finally {
    raw.off("drain", onDrain);
  }
}

/** The relay that tells the Router about the first token and every content chunk. */
function watchEvents(x: Exchange): SseRelay {
  const { router, now } = x.ctx;
  return new SseRelay(
    !x.prepared.clientWantsUsage,
    {
      content(first) {
        const t = now();
        if (first) router.firstToken(x.requestId, t);
        router.streamChunk(x.requestId, t);
      },
      usage() {},
      error() {},
    },
    x.prepared.format.events,
  );
}

/** Where a 200's bytes go: the client's socket, opened with SSE headers, through the relay. */
function clientSink(x: Exchange, relay: SseRelay): StreamSink {
  const { counters } = x.ctx;
  const raw = x.reply.raw;
  return {
    start(contentType) {
      x.routeCounts.streams++;
      x.reply.hijack();
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
}

/** After a 200 stream ended or broke: tell the Router, and close the client's stream. */
function endStream(x: Exchange, outcome: StreamOutcome, relay: SseRelay): void {
  const { counters } = x.ctx;
  const raw = x.reply.raw;
  const now = x.ctx.now();
  if (x.hangUp.aborted) {
    // The client hung up: the upstream request is already aborted (the signal fired).
    counters.clientAborts++;
    finish(x, null, now);
    raw.destroy();
    return;
  }
  if (outcome.kind === "broken") {
    counters.streamErrors++;
    finish(x, null, now);
    x.log.warn({ backend: x.backend, err: outcome.error.message }, "upstream stream broke");
    const message = `backend ${x.backend} stream broke: ${outcome.error.message}`;
    raw.end(x.prepared.format.streamError(message));
    return;
  }
  const rest = relay.flush();
  if (rest.length > 0) raw.write(rest);
  if (relay.errorMessage !== null) {
    counters.streamErrors++;
    x.log.debug({ backend: x.backend }, "in-stream error chunk");
  }
  finish(x, relay.errorMessage === null ? toUsage(relay.usage) : null, now);
  raw.end();
}
