/**
 * A ring buffer of the last request bodies the server received (simulator-only, served at
 * `GET /debug/last-requests`), so tests of a proxy can check what reached the engine.
 * @module
 */

export interface LoggedRequest {
  /** Unix seconds. */
  at: number;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export class RequestLog {
  private readonly items: LoggedRequest[] = [];
  constructor(readonly capacity: number) {}

  add(item: LoggedRequest): void {
    if (this.capacity <= 0) return;
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.shift();
  }

  /** The last `n` (all by default), oldest first. */
  last(n = this.capacity): LoggedRequest[] {
    return this.items.slice(Math.max(0, this.items.length - n));
  }

  clear(): void {
    this.items.length = 0;
  }
}
