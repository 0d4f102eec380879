/**
 * A linear-time reader for server-sent events: yields the `data` of each event (multi-line data
 * joined with "\n"). vLLM sends `data: <json>\n\n` per chunk; the openai SDK's own SSE iterator
 * copies its byte buffer once per event, which dominated the agent's CPU at 128 concurrent
 * streams, so the adapter reads the raw response body with this instead.
 * @module
 */

export async function* readSseData(
  body: AsyncIterable<Uint8Array> | null | undefined,
): AsyncGenerator<string> {
  if (!body) return;
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];

  function* lines(final: boolean): Generator<string> {
    let start = 0;
    for (;;) {
      const nl = buffer.indexOf("\n", start);
      if (nl === -1) break;
      yield buffer.slice(start, nl);
      start = nl + 1;
    }
    buffer = buffer.slice(start);
    if (final && buffer !== "") {
      yield buffer;
      buffer = "";
    }
  }

  function* handle(rawLine: string): Generator<string> {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (line === "") {
      if (data.length > 0) {
        yield data.join("\n");
        data = [];
      }
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== "data") return;
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    data.push(value);
  }

  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (const line of lines(false)) yield* handle(line);
  }
  buffer += decoder.decode();
  for (const line of lines(true)) yield* handle(line);
  if (data.length > 0) yield data.join("\n");
}
