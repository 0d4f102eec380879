import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveServerOptions, type StartedEngineServer } from "../../src/index.js";
import { parseCli } from "../../src/cli/args.js";
import { chat, post, sseEvents, start } from "./helpers.js";

async function contentOf(
  url: string,
): Promise<{ text: string; contentChunks: number; completion: number }> {
  const res = await post(url, chat({ stream: true, stream_options: { include_usage: true } }));
  expect(res.status).toBe(200);
  const frames = sseEvents(await res.text());
  expect(frames.pop()).toBe("[DONE]");
  const chunks = frames.map((f) => JSON.parse(f));
  const usage = chunks.pop();
  const body = chunks.slice(1); // after the role chunk
  const text = body.map((c) => c.choices[0].delta.content ?? "").join("");
  const contentChunks = body.length - 1; // less the finish chunk
  return { text, contentChunks, completion: usage.usage.completion_tokens };
}

describe("--stream-interval (vLLM's tokens per streamed chunk)", () => {
  let one: StartedEngineServer;
  let sixteen: StartedEngineServer;
  beforeAll(async () => {
    one = await start({ seed: 3 });
    sixteen = await start({ seed: 3, streamInterval: 16 });
  });
  afterAll(async () => {
    await one.close();
    await sixteen.close();
  });

  it("groups tokens into fewer chunks and keeps the text and usage identical", async () => {
    const a = await contentOf(one.url);
    const b = await contentOf(sixteen.url);
    expect(b.text).toBe(a.text);
    expect(b.completion).toBe(a.completion);
    // every token but the last (which rides on the finish chunk) gets its own chunk at interval 1
    expect(a.contentChunks).toBe(a.completion - 1);
    expect(b.contentChunks).toBe(Math.floor((a.completion - 1) / 16));
  });
});

describe("--compute-share", () => {
  it("divides prefill and per-sequence decode costs, keeps the fixed step cost", () => {
    const full = resolveServerOptions({ profile: "glm4.6" }).engine.timing;
    const quarter = resolveServerOptions({ profile: "glm4.6", computeShare: 0.25 }).engine.timing;
    expect(quarter.prefillBaseUs).toBeCloseTo(full.prefillBaseUs * 4);
    expect(quarter.prefillPerKUs).toBeCloseTo(full.prefillPerKUs * 4);
    expect(quarter.decodePerSeqMs).toBeCloseTo(full.decodePerSeqMs * 4);
    expect(quarter.decodePerMTokMs).toBeCloseTo(full.decodePerMTokMs * 4);
    expect(quarter.decodeBaseMs).toBe(full.decodeBaseMs);
  });

  it("rejects shares outside (0, 1] and intervals below 1, on the CLI with a message", () => {
    expect(() => resolveServerOptions({ computeShare: 0 })).toThrow(/compute share must be in/);
    expect(() => resolveServerOptions({ streamInterval: 0 })).toThrow(/stream interval/);
    expect(() => parseCli(["--compute-share", "1.5"])).toThrow(
      /--compute-share must be in \(0, 1\]/,
    );
    expect(() => parseCli(["--stream-interval", "0"])).toThrow(/--stream-interval must be ≥ 1/);
    const cfg = parseCli(["--compute-share", "0.5", "--stream-interval", "8"]);
    expect(cfg.server.computeShare).toBe(0.5);
    expect(cfg.server.streamInterval).toBe(8);
  });
});
