import { describe, expect, it } from "vitest";
import { SseRelay, type UsageCounts } from "../src/chat/sse-relay.js";

const chunk = (content: string) =>
  `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}]}\n\n`;
const usageEvent =
  'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":10,"total_tokens":13,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":4}}}\n\n';
const done = "data: [DONE]\n\n";

function run(parts: string[], hide: boolean) {
  const seen = {
    content: 0,
    first: 0,
    usage: null as UsageCounts | null,
    error: null as string | null,
  };
  const relay = new SseRelay(hide, {
    content(first) {
      seen.content++;
      if (first) seen.first++;
    },
    usage(u) {
      seen.usage = u;
    },
    error(m) {
      seen.error = m;
    },
  });
  const out: Buffer[] = [];
  for (const p of parts) out.push(relay.push(Buffer.from(p)));
  out.push(relay.flush());
  return { text: Buffer.concat(out).toString(), seen, relay };
}

/** Splits a string into pieces of `n` bytes, to cut events anywhere. */
function pieces(s: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out;
}

describe("SseRelay", () => {
  const full = chunk("Hel") + chunk("lo") + usageEvent + done;

  it("passes every byte through when the client asked for usage", () => {
    for (const n of [1, 7, 64, full.length]) {
      const { text, seen } = run(pieces(full, n), false);
      expect(text).toBe(full);
      expect(seen.content).toBe(2);
      expect(seen.first).toBe(1);
      expect(seen.usage?.total_tokens).toBe(13);
    }
  });

  it("drops only the usage-only chunk when the client had not asked, however the bytes are cut", () => {
    for (const n of [1, 3, 50, full.length]) {
      const { text, seen } = run(pieces(full, n), true);
      expect(text).toBe(chunk("Hel") + chunk("lo") + done);
      expect(seen.usage?.prompt_tokens_details?.cached_tokens).toBe(4);
    }
  });

  it("recognises the usage chunk with spaces and CRLF framing", () => {
    const spaced =
      'data: {"choices": [], "usage": {"prompt_tokens": 1, "total_tokens": 2}}\r\n\r\n';
    const { text, seen } = run([chunk("a"), spaced, done], true);
    expect(text).toBe(chunk("a") + done);
    expect(seen.usage?.total_tokens).toBe(2);
  });

  it("reports an in-stream error chunk and forwards it", () => {
    const err =
      'data: {"error":{"message":"boom","type":"InternalServerError","param":null,"code":500}}\n\n';
    const { text, seen, relay } = run([chunk("x"), err, done], true);
    expect(text).toBe(chunk("x") + err + done);
    expect(seen.error).toBe("boom");
    expect(relay.errorMessage).toBe("boom");
  });

  it("keeps a content chunk whose text mentions choices", () => {
    const tricky = chunk('"choices":[] is text');
    const { text, seen } = run([tricky, done], true);
    expect(text).toBe(tricky + done);
    expect(seen.content).toBe(1);
  });

  it("inspects an unterminated last event at flush", () => {
    const { text, seen } = run([chunk("a"), usageEvent.trimEnd()], true);
    expect(text).toBe(chunk("a"));
    expect(seen.usage?.completion_tokens).toBe(3);
  });
});
