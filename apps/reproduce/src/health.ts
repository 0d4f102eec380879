/**
 * Waiting for a server's `GET /health` to answer 200, with a timeout, giving up at once if the
 * process behind it exits first or the run is aborted.
 * @module
 */
import { request } from "undici";
import { ReproduceError } from "./errors.js";
import type { Child } from "./supervisor.js";
import { tailLog } from "./tail-log.js";

/**
 * A server did not answer /health (code `health_failed`): its process exited first, or time ran
 * out (then retryable).
 */
export class HealthTimeoutError extends ReproduceError {
  override readonly name: string = "HealthTimeoutError";
  constructor(message: string, options?: { retryable?: boolean }) {
    super("health_failed", message, options);
  }
}

export interface HealthWait {
  readonly url: string;
  readonly timeoutS: number;
  readonly name: string;
  /** The process behind the URL: its exit ends the wait with its log. */
  readonly child?: Child;
  readonly signal?: AbortSignal;
  readonly intervalMs?: number;
}

async function probe(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await request(url, {
      method: "GET",
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/** Resolves with the seconds it took; rejects on timeout, child exit or abort. */
export async function waitForHealth(w: HealthWait): Promise<number> {
  const started = Date.now();
  const deadline = started + w.timeoutS * 1000;
  const interval = w.intervalMs ?? 500;
  for (;;) {
    if (w.signal?.aborted) throw w.signal.reason ?? new ReproduceError("aborted", "aborted");
    if (w.child?.exit) {
      const e = w.child.exit;
      throw new HealthTimeoutError(
        `${w.name} exited (${e.signal ? `signal ${e.signal}` : `code ${e.code}`}) before ${w.url} answered; ` +
          `last lines of ${w.child.spec.logFile}:\n${tailLog(w.child.spec.logFile)}`,
      );
    }
    const left = deadline - Date.now();
    if (await probe(w.url, Math.max(250, Math.min(5_000, left)))) {
      return (Date.now() - started) / 1000;
    }
    if (Date.now() >= deadline) {
      const log = w.child
        ? `; last lines of ${w.child.spec.logFile}:\n${tailLog(w.child.spec.logFile)}`
        : "";
      throw new HealthTimeoutError(
        `${w.name} did not answer ${w.url} with 200 within ${w.timeoutS} s${log}`,
        { retryable: true },
      );
    }
    await new Promise<void>((resolve) => {
      const onAbort = () => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(
        () => {
          w.signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        Math.min(interval, Math.max(0, deadline - Date.now())),
      );
      w.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
