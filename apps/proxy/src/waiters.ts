/**
 * Requests of paused programs waiting for the scheduler: each is a promise the chat route awaits,
 * settled when a tick or a release resumes it (with the backend to use), when its client hangs up,
 * or with 503 at shutdown.
 * @module
 */
import { ProxyError } from "./errors.js";

interface Waiter {
  resolve(backend: string): void;
  reject(err: Error): void;
}

export class Waiters {
  readonly #waiting = new Map<string, Waiter>();
  #closed = false;

  get size(): number {
    return this.#waiting.size;
  }

  /** Waits until {@link resume} names a backend for `requestId`. */
  wait(requestId: string): Promise<string> {
    if (this.#closed) {
      return Promise.reject(new ProxyError(503, "the router is shutting down", "shutting_down"));
    }
    return new Promise<string>((resolve, reject) => {
      this.#waiting.set(requestId, { resolve, reject });
    });
  }

  /** Settles a waiting request with its backend; false when nobody waits under that id. */
  resume(requestId: string, backend: string): boolean {
    const w = this.#waiting.get(requestId);
    if (!w) return false;
    this.#waiting.delete(requestId);
    w.resolve(backend);
    return true;
  }

  /** Drops a waiter without settling it (its client is gone). */
  drop(requestId: string): boolean {
    return this.#waiting.delete(requestId);
  }

  /** Rejects every waiter with 503 and refuses new ones. */
  close(): number {
    this.#closed = true;
    const n = this.#waiting.size;
    for (const w of this.#waiting.values()) {
      w.reject(new ProxyError(503, "the router is shutting down", "shutting_down"));
    }
    this.#waiting.clear();
    return n;
  }
}
