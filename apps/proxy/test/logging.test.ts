import { Writable } from "node:stream";
import pino from "pino";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy, type RunningProxy } from "./helpers/harness.js";
import { startTinyUpstream, type TinyUpstream } from "./helpers/tiny-upstream.js";

const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, cb) {
    for (const l of chunk.toString("utf8").split("\n")) if (l) lines.push(JSON.parse(l));
    cb();
  },
});

let upstream: TinyUpstream;
let proxy: RunningProxy;
beforeAll(async () => {
  upstream = await startTinyUpstream();
  proxy = await startProxy(
    { backends: [upstream.url], router: "default" },
    { logger: pino({ level: "trace" }, sink) },
  );
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

describe("logging", () => {
  it("logs each request with its id at debug, never the prompt or completion text", async () => {
    const secret = "PROMPT-TEXT-MUST-NOT-BE-LOGGED";
    for (const stream of [false, true]) {
      const res = await request(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "x-request-id": `rq-${stream}`, authorization: "Bearer client-key" },
        body: JSON.stringify({
          model: "tiny",
          stream,
          program_id: "logged",
          messages: [{ role: "user", content: secret }],
        }),
      });
      await res.body.text();
    }
    await new Promise((r) => setTimeout(r, 50));
    const text = JSON.stringify(lines);
    expect(text).not.toContain(secret);
    expect(text).not.toContain("client-key");
    // The tiny upstream's completion text is "a" then "b" inside delta objects.
    expect(text).not.toContain('"delta"');
    const done = lines.filter((l) => l["msg"] === "request done");
    expect(done.map((l) => l["reqId"])).toEqual(expect.arrayContaining(["rq-false", "rq-true"]));
    expect(done.every((l) => l["level"] === 20)).toBe(true);
  });
});
