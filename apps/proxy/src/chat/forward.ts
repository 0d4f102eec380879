/**
 * Non-streaming answers: the whole upstream body is collected into one Buffer and sent back as
 * it came; its `usage`, read as the wire format counts it, completes the step. A connection
 * failure or a 502/503 is retried first (reliability/retry.ts).
 * @module
 */
import { withRetries } from "../reliability/retry.js";
import type { BufferedResponse } from "../upstream/buffered.js";
import {
  finish,
  upstreamFailed,
  upstreamRefused,
  upstreamRequest,
  type Exchange,
} from "./exchange.js";
import { extractUsage, toUsage } from "./usage.js";

export async function forward(x: Exchange): Promise<void> {
  let res: BufferedResponse;
  try {
    res = await withRetries(
      x,
      (backend) => x.ctx.upstreams.request(backend, upstreamRequest(x)),
      (r) => r.statusCode,
    );
  } catch (err) {
    throw upstreamFailed(x, err);
  }
  if (res.statusCode !== 200) return upstreamRefused(x, res);

  const now = x.ctx.now();
  x.ctx.router.firstToken(x.requestId, now);
  const usage = x.prepared.format.bodyUsage(extractUsage(res.body.toString("utf8")));
  finish(x, toUsage(usage), now);
  x.reply.header("content-type", res.contentType ?? "application/json");
  x.reply.code(200).send(res.body);
}
