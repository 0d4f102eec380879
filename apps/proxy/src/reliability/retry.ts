/**
 * Retries before the first byte: an upstream call that failed to connect (or lost its connection
 * before any answer), or that answered 502/503, is tried again, up to `--retries` times, after a
 * jittered exponential backoff (100 ms × 2^n, × 0.5–1.5, at most 2 s), on another healthy backend
 * when there is one. Only before anything was written to the client: a streamed 200 is never
 * retried (its headers are out). Every outcome feeds the backend's circuit breaker. The Router
 * keeps the request where it placed it; it hears the request's one end as always.
 * @module
 */
import type { Exchange } from "../chat/exchange.js";
import { UpstreamTimeoutError } from "../upstream/handler-base.js";

/** Errors that mean the backend never answered (connection refused, reset, timed out connecting). */
const RETRYABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);

export function retryableError(err: unknown): boolean {
  if (err instanceof UpstreamTimeoutError) return false;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && RETRYABLE_CODES.has(code);
}

export function retryableStatus(status: number): boolean {
  return status === 502 || status === 503;
}

/** Milliseconds before retry `n` (0-based): 100 · 2^n, jittered × [0.5, 1.5), capped at 2 s. */
export function backoffMs(n: number, random: () => number = Math.random): number {
  return Math.min(2000, 100 * 2 ** n) * (0.5 + random());
}

/** The backend for the next try: a healthy one not tried yet, else a healthy one, else `current`. */
export function nextBackend(x: Exchange, tried: ReadonlySet<string>): string {
  const healthy = x.ctx.config.backends.filter((b) => x.ctx.monitor.isHealthy(b));
  return healthy.find((b) => !tried.has(b)) ?? healthy[0] ?? x.backend;
}

function sleep(ms: number, x: Exchange): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      x.hangUp.off("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    x.hangUp.once("abort", done);
  });
}

/**
 * Runs `attempt` on `x.backend`, then on the next backend after each retryable failure (see the
 * module), and returns the last result or throws the last error. `statusOf` reads a result's HTTP
 * status, or null for a result that already went to the client (never retried).
 */
export async function withRetries<T>(
  x: Exchange,
  attempt: (backend: string) => Promise<T>,
  statusOf: (result: T) => number | null,
): Promise<T> {
  const { monitor, config, counters } = x.ctx;
  const tried = new Set<string>();
  for (let n = 0; ; n++) {
    tried.add(x.backend);
    let retry: boolean;
    let failure: { err: unknown } | { result: T };
    try {
      const result = await attempt(x.backend);
      const status = statusOf(result);
      retry = status !== null && retryableStatus(status);
      monitor.recordOutcome(x.backend, !retry);
      failure = { result };
    } catch (err) {
      retry = retryableError(err) && !x.hangUp.aborted;
      if (retry) monitor.recordOutcome(x.backend, false);
      failure = { err };
    }
    if (!retry || n >= config.retries || x.hangUp.aborted) {
      if ("err" in failure) throw failure.err;
      return failure.result;
    }
    await sleep(backoffMs(n), x);
    const from = x.backend;
    x.backend = nextBackend(x, tried);
    counters.retries++;
    x.log.debug({ from, to: x.backend, attempt: n + 2 }, "retrying upstream");
  }
}
