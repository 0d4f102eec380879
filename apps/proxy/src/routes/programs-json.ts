/**
 * `GET /programs` for many programs: the same JSON object, serialised 1,000 entries at a time with
 * a turn of the event loop in between, streamed to the client. With 100,000 programs (27 MB) the
 * longest stretch on the event loop is one batch instead of the whole body, so `/health` and the
 * data plane keep answering while it is written.
 * @module
 */
import { Readable } from "node:stream";
import { setImmediate as turn } from "node:timers/promises";
import type { ProgramsResponse } from "@thunderagent/protocol";

/** Below this many programs the view is built and sent in one go. */
export const STREAM_PROGRAMS_OVER = 2000;
const BATCH = 1000;

async function* chunks(
  entries: Iterable<[string, ProgramsResponse[string]]>,
): AsyncGenerator<string> {
  let out = "{";
  let n = 0;
  for (const [id, info] of entries) {
    out += `${n === 0 ? "" : ","}${JSON.stringify(id)}:${JSON.stringify(info)}`;
    if (++n % BATCH === 0) {
      yield out;
      out = "";
      await turn();
    }
  }
  yield `${out}}`;
}

/** The `/programs` body as a stream of JSON text. */
export function programsJsonStream(
  entries: Iterable<[string, ProgramsResponse[string]]>,
): Readable {
  return Readable.from(chunks(entries), { objectMode: false });
}
