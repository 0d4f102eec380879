/**
 * Releasing a program, however it was asked for: `POST /programs/release`, or the in-band close
 * signal of a request whose response has ended. The Router frees its tokens (waiting requests it
 * made room for are resumed) and its containers are removed with `--docker-gc`.
 * @module
 */
import type { FastifyBaseLogger } from "fastify";
import type { ProxyContext } from "./context.js";
import { noteRelease } from "./dashboard/attach.js";

/** Releases `programId`; false when the Router did not know it. */
export function releaseProgram(
  ctx: ProxyContext,
  programId: string,
  log: FastifyBaseLogger,
  how: "release" | "in-band close",
): boolean {
  const result = ctx.router.release(programId, ctx.now());
  ctx.resume(result.resumed);
  if (result.dockerIds.length > 0) ctx.removeContainers(programId, result.dockerIds);
  if (result.released) {
    noteRelease(ctx, programId);
    log.debug({ programId, how }, "program released");
  }
  return result.released;
}
