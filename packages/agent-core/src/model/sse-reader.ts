/**
 * A linear-time reader for server-sent events: the `data` of each event (multi-line data joined
 * with "\n"). vLLM sends `data: <json>\n\n` per chunk. `SseDataParser` is synchronous, chunk by
 * chunk (the model adapter parses every event of a network read in one go, without a promise per
 * event); `readSseData` is the same as an async iterator of events.
 * @module
 */

export class SseDataParser {
  readonly #decoder = new TextDecoder();
  #buffer = "";
  #data: string[] = [];

  /** The data of each event that `chunk` completes. */
  push(chunk: Uint8Array | string): string[] {
    this.#buffer +=
      typeof chunk === "string" ? chunk : this.#decoder.decode(chunk, { stream: true });
    return this.#lines(false);
  }

  /** The end of the stream: the events still open (a missing final blank line ends one). */
  end(): string[] {
    this.#buffer += this.#decoder.decode();
    const out = this.#lines(true);
    if (this.#data.length > 0) {
      out.push(this.#data.join("\n"));
      this.#data = [];
    }
    return out;
  }

  #lines(final: boolean): string[] {
    const out: string[] = [];
    const buffer = this.#buffer;
    let start = 0;
    for (;;) {
      const nl = buffer.indexOf("\n", start);
      if (nl === -1) break;
      this.#line(buffer.slice(start, nl), out);
      start = nl + 1;
    }
    this.#buffer = start === 0 ? buffer : buffer.slice(start);
    if (final && this.#buffer !== "") {
      this.#line(this.#buffer, out);
      this.#buffer = "";
    }
    return out;
  }

  #line(rawLine: string, out: string[]): void {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (line === "") {
      if (this.#data.length > 0) {
        out.push(this.#data.join("\n"));
        this.#data = [];
      }
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== "data") return;
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    this.#data.push(value);
  }
}

export async function* readSseData(
  body: AsyncIterable<Uint8Array | string> | null | undefined,
): AsyncGenerator<string> {
  if (!body) return;
  const parser = new SseDataParser();
  for await (const chunk of body) yield* parser.push(chunk);
  yield* parser.end();
}
