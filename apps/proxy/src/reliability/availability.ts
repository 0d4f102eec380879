/**
 * Failing fast when no backend can serve: a request that finds no healthy backend waits at most
 * `--wait-for-backend` seconds for one (a health check or a breaker's cool-down bringing one back),
 * then gets 503 with `Retry-After`; a request already waiting for its paused program gets the same
 * once every backend has been down that long. Admission bounds: `--max-waiting` requests waiting,
 * `--max-programs` programs tracked; over either, 503 with `Retry-After`.
 * @module
 */
import { ClientGone } from "../chat/client-gone.js";
import type { ProxyContext } from "../context.js";
import { ProxyError } from "../errors.js";
import type { HangUp } from "../upstream/hang-up.js";

/** What a client is told to wait before retrying: one health-check interval, at least 1 s. */
export function retryAfterS(ctx: ProxyContext): number {
  return Math.max(1, Math.ceil(ctx.config.healthInterval));
}

export function noHealthyBackend(ctx: ProxyContext): ProxyError {
  ctx.counters.unavailable++;
  return new ProxyError(
    503,
    `no healthy backend (waited ${ctx.config.waitForBackend} s, --wait-for-backend)`,
    "no_healthy_backend",
    null,
    retryAfterS(ctx),
  );
}

function overloaded(ctx: ProxyContext, what: string): ProxyError {
  return new ProxyError(503, what, "overloaded", null, retryAfterS(ctx));
}

/** Requests waiting now: for a paused program, for a healthy backend, for a weight sync. */
export function waitingRequests(ctx: ProxyContext): number {
  return ctx.waiters.size + ctx.counters.waitingForBackend + ctx.weightSync.view().waiting_requests;
}

/** 503 when one more waiting request would exceed `--max-waiting`. */
export function checkWaitRoom(ctx: ProxyContext): void {
  if (waitingRequests(ctx) >= ctx.config.maxWaiting) {
    ctx.counters.overloaded++;
    throw overloaded(ctx, `too many requests waiting (--max-waiting ${ctx.config.maxWaiting})`);
  }
}

/** 503 when `programId` would be a new program beyond `--max-programs`. */
export function checkProgramRoom(ctx: ProxyContext, programId: string): void {
  const { router, config } = ctx;
  if (router.programCount() < config.maxPrograms || router.hasProgram(programId)) return;
  ctx.counters.overloaded++;
  throw overloaded(ctx, `too many programs tracked (--max-programs ${config.maxPrograms})`);
}

/**
 * Resolves at once when a backend is healthy; else waits up to `--wait-for-backend` for one.
 * Rejects with 503 (+ Retry-After) when none came back, {@link ClientGone} when the client left.
 */
export async function awaitHealthyBackend(ctx: ProxyContext, hangUp: HangUp): Promise<void> {
  if (ctx.monitor.healthyCount() > 0) return;
  if (ctx.config.waitForBackend === 0) throw noHealthyBackend(ctx);
  checkWaitRoom(ctx);
  ctx.counters.waitingForBackend++;
  try {
    await new Promise<void>((resolve, reject) => {
      const done = (settle: () => void) => {
        clearTimeout(timer);
        off();
        hangUp.off("abort", onAbort);
        settle();
      };
      const onAbort = () => done(() => reject(new ClientGone()));
      const off = ctx.monitor.onChange(() => {
        if (ctx.monitor.healthyCount() > 0) done(resolve);
      });
      const timer = setTimeout(
        () => done(() => reject(noHealthyBackend(ctx))),
        ctx.config.waitForBackend * 1000,
      );
      if (hangUp.aborted) return onAbort();
      hangUp.once("abort", onAbort);
    });
  } finally {
    ctx.counters.waitingForBackend--;
  }
}

/**
 * Calls `onOutage` once every backend has been unhealthy for `--wait-for-backend` seconds without a
 * break (at once with `--wait-for-backend 0`). Returns the cancel.
 */
export function watchOutage(ctx: ProxyContext, onOutage: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    if (ctx.monitor.healthyCount() > 0) {
      clearTimeout(timer);
      timer = undefined;
    } else if (timer === undefined) {
      timer = setTimeout(onOutage, ctx.config.waitForBackend * 1000);
    }
  };
  const off = ctx.monitor.onChange(check);
  check();
  return () => {
    clearTimeout(timer);
    off();
  };
}
