/**
 * Retry policy as data (style-anchors §3): errors are normalised first, then a pure policy
 * decides; only the caller sleeps. mini-swe-agent's vLLM model retries everything but
 * context-length errors with tenacity's `wait_exponential(multiplier=1, min=4, max=60)` for 10
 * attempts; here the retried set is narrowed to what can succeed on a second try: connection
 * errors, timeouts, 408/409/425/429 and 5xx — never 400 or other 4xx.
 * @module
 */
import type { RetrySection } from "../config/mini-config.js";

export interface NormalizedError {
  /** HTTP status, null when none (connection error, mid-stream error without one). */
  status: number | null;
  isNetworkError: boolean;
  isAbort: boolean;
  isContextLength: boolean;
  /** Server-sent Retry-After in seconds, if any. */
  retryAfterS: number | null;
  /** Not an HTTP or network failure (e.g. a bug): never retried. */
  isUnknown: boolean;
}

export type RetryDecision = { retry: false } | { retry: true; delayS: number };

export type RetryPolicy = (error: NormalizedError, attempt: number) => RetryDecision;

const RETRYABLE_STATUS = new Set([408, 409, 425, 429]);

export function isRetryable(error: NormalizedError): boolean {
  if (error.isAbort || error.isContextLength || error.isUnknown) return false;
  if (error.isNetworkError) return true;
  if (error.status === null) return true; // a mid-stream error event: the server's fault
  return RETRYABLE_STATUS.has(error.status) || error.status >= 500;
}

/** tenacity's wait_exponential: multiplier·2^(attempt−1), clamped to [min, max]. */
export function backoffDelayS(attempt: number, retry: RetrySection): number {
  const raw = retry.multiplier * 2 ** (attempt - 1);
  return Math.min(retry.max_delay_s, Math.max(retry.min_delay_s, raw));
}

/** `attempt` is the number of the attempt that just failed (1-based). */
export function exponentialRetryPolicy(retry: RetrySection): RetryPolicy {
  return (error, attempt) => {
    if (attempt >= retry.max_attempts || !isRetryable(error)) return { retry: false };
    const delayS = Math.max(backoffDelayS(attempt, retry), error.retryAfterS ?? 0);
    return { retry: true, delayS: Math.min(delayS, Math.max(retry.max_delay_s, 0)) };
  };
}
