/**
 * Streaming answers: the SSE bytes go to the client as they arrive, through {@link SseRelay}
 * (which only hides the usage-only chunk when the client had not asked for it). The Router hears
 * the first token, every content chunk, and the end: `complete` with the usage chunk's counts, or
 * `fail` on an in-stream error, a broken upstream or a client that hung up.
 * @module
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ProxyContext } from "../context.js";
import type { HangUp } from "../hang-up.js";
import type { UpstreamResponse } from "../upstream.js";
import type { PreparedRequest } from "./prepare-request.js";
import { SseRelay } from "./sse-relay.js";
import { streamErrorEvent } from "./upstream-errors.js";
import { toUsage } from "./usage.js";

function write(reply: FastifyReply, data: Buffer | string): Promise<void> | null {
  const raw = reply.raw;
  if (raw.write(data)) return null;
  return new Promise<void>((resolve) => {
    const done = () => {
      raw.off("drain", done);
      raw.off("close", done);
      resolve();
    };
    raw.on("drain", done);
    raw.on("close", done);
  });
}

export async function pipeStream(
  ctx: ProxyContext,
  request: FastifyRequest,
  reply: FastifyReply,
  res: UpstreamResponse,
  prepared: PreparedRequest,
  requestId: string,
  backend: string,
  signal: HangUp,
): Promise<void> {
  const { router, counters } = ctx;
  const relay = new SseRelay(!prepared.clientWantsUsage, {
    content(first) {
      const now = ctx.now();
      if (first) router.firstToken(requestId, now);
      router.streamChunk(requestId, now);
    },
    usage() {},
    error() {},
  });

  reply.hijack();
  const headers: Record<string, string> = {
    "content-type":
      typeof res.headers["content-type"] === "string"
        ? res.headers["content-type"]
        : "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
  };
  reply.raw.writeHead(200, headers);
  // The headers go out now, so the client sees the stream open before the first token.
  reply.raw.flushHeaders();

  let broken: Error | null = null;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      const out = relay.push(chunk);
      if (out.length > 0) {
        counters.bytesStreamed += out.length;
        const pending = write(reply, out);
        if (pending) await pending;
      }
      if (signal.aborted) break;
    }
    const rest = relay.flush();
    if (rest.length > 0 && !signal.aborted) reply.raw.write(rest);
  } catch (err) {
    broken = err as Error;
  }

  const now = ctx.now();
  if (signal.aborted) {
    // The client hung up: the upstream request is already aborted (its signal fired).
    counters.clientAborts++;
    router.fail(requestId, now);
    if (!res.body.destroyed) res.body.destroy();
    reply.raw.destroy();
    return;
  }
  if (broken) {
    counters.streamErrors++;
    router.fail(requestId, now);
    request.log.warn({ backend, err: broken.message }, "upstream stream broke");
    reply.raw.end(streamErrorEvent(`backend ${backend} stream broke: ${broken.message}`));
    return;
  }
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
  reply.raw.end();
}
