/**
 * Non-streaming answers: the whole upstream body is collected into one Buffer and sent back as
 * it came; its `usage`, read as the wire format counts it, completes the step.
 * @module
 */
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
    res = await x.ctx.upstreams.request(x.backend, upstreamRequest(x));
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
