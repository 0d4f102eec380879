/**
 * Short-lived tokens for the dashboard's event stream. A browser's EventSource cannot send an
 * `Authorization` header, so with `--api-key` the page first asks `POST /dashboard/token` (with
 * the header; the API-key check covers it) and opens `GET /dashboard/events?token=…`. A token is
 * good once, for `ttlS` seconds; at most `max` are outstanding. Request logs carry the path
 * without the query (app.ts), so a token is never logged.
 * @module
 */
import { randomBytes } from "node:crypto";

export class StreamTokens {
  readonly #live = new Map<string, number>();

  constructor(
    private readonly ttlS = 30,
    private readonly max = 64,
  ) {}

  /** A new token, or null when `max` are outstanding (the caller answers 429). */
  issue(now: number): { token: string; expiresIn: number } | null {
    this.#prune(now);
    if (this.#live.size >= this.max) return null;
    const token = randomBytes(24).toString("base64url");
    this.#live.set(token, now + this.ttlS);
    return { token, expiresIn: this.ttlS };
  }

  /** True (and the token is spent) when it was issued and has not expired. */
  consume(token: string, now: number): boolean {
    const expires = this.#live.get(token);
    if (expires === undefined) return false;
    this.#live.delete(token);
    return now <= expires;
  }

  #prune(now: number): void {
    for (const [token, expires] of this.#live) if (now > expires) this.#live.delete(token);
  }
}
