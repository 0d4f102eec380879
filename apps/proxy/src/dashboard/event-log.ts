/**
 * The dashboard's event feed: the last `capacity` scheduling events (pauses, restores, migrations,
 * forced resumes, releases, reclaims), numbered. Pure and bounded.
 * @module
 */
import type { EventKind, FeedEvent } from "./feed-types.js";

export class EventLog {
  readonly #ring: FeedEvent[] = [];
  #next = 1;

  constructor(private readonly capacity = 1000) {}

  push(
    t: number,
    kind: EventKind,
    program: string,
    backend: string | null,
    from: string | null = null,
  ): void {
    this.#ring.push({ seq: this.#next++, t, kind, program, backend, from });
    if (this.#ring.length > this.capacity) this.#ring.splice(0, this.#ring.length - this.capacity);
  }

  /** The number of the last event (0 before any). */
  get lastSeq(): number {
    return this.#next - 1;
  }

  /** Events numbered after `seq`, oldest first (at most the ring's capacity). */
  since(seq: number): FeedEvent[] {
    const first = this.#ring.findIndex((e) => e.seq > seq);
    return first < 0 ? [] : this.#ring.slice(first);
  }

  /** The newest `n` events, oldest first. */
  recent(n: number): FeedEvent[] {
    return this.#ring.slice(Math.max(0, this.#ring.length - n));
  }
}
