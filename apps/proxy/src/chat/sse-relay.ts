/**
 * Relays an upstream SSE stream to the client byte for byte while watching it through the wire
 * format's {@link EventDialect}: the first content event (first token), every content event
 * (progress), the events carrying usage (merged: Anthropic splits it over two events) and
 * in-stream errors. The bytes are never re-serialised. When the usage-only event (chat's
 * `"choices":[]`) must be hidden from the client, whole events are forwarded as soon as their
 * terminating blank line arrives, and that one event is dropped; otherwise bytes are forwarded
 * the moment they arrive.
 * @module
 */

import type { ChatUsage } from "@thunderagent/protocol";
import { OPENAI_EVENTS } from "../formats/openai-formats.js";
import type { EventDialect } from "../formats/wire-format.js";

/** A usage chunk's `usage` as received (not validated: `toUsage` checks each count). */
export type UsageCounts = Partial<ChatUsage>;

export interface SseObserver {
  /** A chunk carrying choices (token progress); `first` is true once. */
  content(first: boolean): void;
  usage(usage: UsageCounts): void;
  error(message: string): void;
}

const LF2 = Buffer.from("\n\n");
const CRLF2 = Buffer.from("\r\n\r\n");

/**
 * Finds the ends of the events in one buffer. vLLM ends events with "\n\n"; "\r\n\r\n" is
 * looked for too, but once a buffer is known to hold none, it is not searched again (a search per
 * event would rescan the rest of the buffer each time).
 */
class EventEnds {
  #crlf = -1;
  constructor(private readonly buf: Buffer) {
    this.#crlf = buf.indexOf(CRLF2);
  }

  next(from: number): { at: number; len: number } | null {
    const a = this.buf.indexOf(LF2, from);
    if (this.#crlf >= 0 && this.#crlf < from) this.#crlf = this.buf.indexOf(CRLF2, from);
    const b = this.#crlf;
    if (a < 0 && b < 0) return null;
    if (b >= 0 && (a < 0 || b < a)) return { at: b, len: 4 };
    return { at: a, len: 2 };
  }
}

/** The JSON text of an event's `data:` lines (joined by newlines, as SSE defines). */
function dataOf(event: string): string {
  if (event.startsWith("data: ") && !event.includes("\n")) return event.slice(6);
  const parts: string[] = [];
  for (const line of event.split(/\r?\n/)) {
    if (line.startsWith("data:")) parts.push(line.slice(line[5] === " " ? 6 : 5));
  }
  return parts.join("\n");
}

export class SseRelay {
  #pending: Buffer | null = null;
  #sawContent = false;
  /** Set once a usage-only chunk was seen. */
  usage: UsageCounts | null = null;
  /** Set once an in-stream error chunk was seen. */
  errorMessage: string | null = null;

  readonly #marker: Buffer;

  constructor(
    private readonly hideUsageChunk: boolean,
    private readonly observer: SseObserver,
    private readonly dialect: EventDialect = OPENAI_EVENTS,
  ) {
    this.#marker = dialect.contentMarker;
  }

  /** Feeds upstream bytes; returns what to write to the client now (possibly empty). */
  push(chunk: Buffer): Buffer {
    const buf = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    let start = 0;
    const out: Buffer[] | null = this.hideUsageChunk ? [] : null;
    let outStart = 0;
    const ends = new EventEnds(buf);
    for (;;) {
      const end = ends.next(start);
      if (!end) break;
      const stop = end.at + end.len;
      // The common case, a content chunk, is recognised without decoding the event.
      const c = buf.indexOf(this.#marker, start);
      let keep = true;
      if (c >= 0 && c < end.at) this.#content();
      else keep = this.#inspect(buf.toString("utf8", start, end.at));
      if (out) {
        if (!keep) {
          if (start > outStart) out.push(buf.subarray(outStart, start));
          outStart = stop;
        }
      }
      start = stop;
    }
    this.#pending = start < buf.length ? buf.subarray(start) : null;
    if (!out) {
      // Not filtering: everything goes through at once, complete events or not.
      return chunk;
    }
    if (start > outStart) out.push(buf.subarray(outStart, start));
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  /** At the end of the upstream stream: whatever is left (an unterminated last event). */
  flush(): Buffer {
    const rest = this.#pending;
    this.#pending = null;
    if (!rest) return Buffer.alloc(0);
    const keep = this.#inspect(rest.toString("utf8"));
    // Not filtering: those bytes already went out with the chunk they came in.
    return this.hideUsageChunk && keep ? rest : Buffer.alloc(0);
  }

  /** Classifies one event; returns false when it is the usage-only chunk to hide. */
  #inspect(event: string): boolean {
    const trimmed = event.trim();
    if (trimmed.length === 0 || trimmed.startsWith(":")) return true;
    if (trimmed === "data: [DONE]") return true;
    let parsed: unknown;
    try {
      parsed = JSON.parse(dataOf(event));
    } catch {
      return true;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return true;
    const meaning = this.dialect.classify(parsed as Record<string, unknown>);
    if (meaning.kind === "content") this.#content();
    else if (meaning.kind === "error") {
      this.errorMessage = meaning.message;
      this.observer.error(meaning.message);
    } else if (meaning.kind === "usage") {
      this.usage = { ...this.usage, ...meaning.counts };
      this.observer.usage(this.usage);
      return !meaning.usageOnly;
    }
    return true;
  }

  #content(): void {
    const first = !this.#sawContent;
    this.#sawContent = true;
    this.observer.content(first);
  }
}
