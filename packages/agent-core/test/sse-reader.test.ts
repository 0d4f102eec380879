import { describe, expect, it } from "vitest";
import { readSseData } from "../src/model/sse-reader.js";

async function collect(pieces: Array<string | Uint8Array>): Promise<string[]> {
  const enc = new TextEncoder();
  async function* body() {
    for (const p of pieces) yield typeof p === "string" ? enc.encode(p) : p;
  }
  const out: string[] = [];
  for await (const d of readSseData(body())) out.push(d);
  return out;
}

describe("readSseData", () => {
  it("splits events across arbitrary chunk boundaries", async () => {
    const text = 'data: {"a":1}\n\ndata: {"b":"é"}\n\n: comment\n\nevent: x\ndata: [DONE]\n\n';
    const bytes = new TextEncoder().encode(text);
    const expected = ['{"a":1}', '{"b":"é"}', "[DONE]"];
    expect(await collect([text])).toEqual(expected);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await collect([bytes.slice(0, cut), bytes.slice(cut)])).toEqual(expected);
    }
    expect(await collect([...bytes].map((b) => new Uint8Array([b])))).toEqual(expected);
  });

  it("handles CRLF, multi-line data, no space after the colon, and a missing final blank line", async () => {
    expect(await collect(["data:x\r\ndata: y\r\n\r\ndata: z"])).toEqual(["x\ny", "z"]);
  });
});
