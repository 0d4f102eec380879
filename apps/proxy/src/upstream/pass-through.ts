/**
 * A backend's answer sent back to the client unchanged: status, content type and body. The
 * engine's refusal of a completion (400 context length, 404 model, 500 …) and `/v1/models`.
 * @module
 */
import type { FastifyReply } from "fastify";
import type { BufferedResponse } from "./buffered.js";

export function passThrough(reply: FastifyReply, res: BufferedResponse): FastifyReply {
  if (res.contentType !== undefined) reply.header("content-type", res.contentType);
  return reply.code(res.statusCode).send(res.body);
}
