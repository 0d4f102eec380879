/**
 * The dashboard's server-sent events: each page gets a snapshot, then the feed's delta every
 * interval (one serialisation, written to every page). Bounded: at most `maxClients` pages; a
 * page whose socket holds more than `maxBufferBytes` unsent gets no deltas until it drains, then
 * one fresh snapshot instead of the backlog; one still behind after `staleLimitS` is closed.
 * Without a page the timer only takes the charts' samples.
 * @module
 */
import type { ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { DashboardFeed } from "./feed.js";

export interface StreamLimits {
  maxClients: number;
  maxBufferBytes: number;
  staleLimitS: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxClients: 16,
  maxBufferBytes: 1 << 20,
  staleLimitS: 30,
};

interface Client {
  raw: ServerResponse;
  /** Since when it is behind (deltas dropped), or null. */
  staleSince: number | null;
}

const frame = (event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export class DashboardStream {
  readonly #clients = new Set<Client>();
  #timer: NodeJS.Timeout | null = null;
  /** Deltas sent and frames dropped for pages behind (tests and logs read them). */
  readonly counts = { deltas: 0, dropped: 0, resyncs: 0 };

  constructor(
    private readonly feed: DashboardFeed,
    private readonly now: () => number,
    private readonly limits: StreamLimits,
    private readonly log: Logger,
  ) {}

  get clients(): number {
    return this.#clients.size;
  }

  get full(): boolean {
    return this.#clients.size >= this.limits.maxClients;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#beat(), this.feed.opts.intervalS * 1000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const c of this.#clients) c.raw.end();
    this.#clients.clear();
  }

  /** Takes over a hijacked response: headers, the snapshot, then the deltas. */
  add(raw: ServerResponse): void {
    const client: Client = { raw, staleSince: null };
    const first = this.#clients.size === 0;
    this.#clients.add(client);
    raw.on("close", () => {
      this.#clients.delete(client);
      if (this.#clients.size === 0) this.feed.idle();
    });
    raw.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
      connection: "keep-alive",
    });
    raw.write(`retry: 2000\n\n`);
    raw.write(frame("snapshot", this.feed.snapshot(this.now(), first)));
  }

  #beat(): void {
    const now = this.now();
    try {
      if (this.#clients.size === 0) {
        this.feed.sampleHistory(now);
        return;
      }
      const text = frame("delta", this.feed.delta(now));
      this.counts.deltas++;
      for (const c of this.#clients) this.#send(c, text, now);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, "dashboard feed failed");
    }
  }

  #send(c: Client, text: string, now: number): void {
    if (c.staleSince !== null) {
      this.counts.dropped++;
      if (now - c.staleSince > this.limits.staleLimitS) c.raw.destroy();
      return;
    }
    // Past the buffer bound only while the socket is backed up (a write returned false): one
    // message, however large, always goes out to a socket that keeps up.
    if (
      c.raw.writableNeedDrain &&
      c.raw.writableLength + text.length > this.limits.maxBufferBytes
    ) {
      c.staleSince = now;
      this.counts.dropped++;
      c.raw.once("drain", () => {
        if (c.raw.destroyed) return;
        c.staleSince = null;
        this.counts.resyncs++;
        c.raw.write(frame("snapshot", this.feed.snapshot(this.now(), false)));
      });
      return;
    }
    c.raw.write(text);
  }
}
