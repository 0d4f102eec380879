import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedEngineServer } from "../../src/index.js";
import { chat, post, start } from "./helpers.js";

let s: StartedEngineServer;
beforeAll(async () => {
  s = await start({ maxModelLen: 256 });
});
afterAll(async () => s.close());

async function error(res: Response) {
  return (await res.json()) as {
    error: { message: string; type: string; param: string | null; code: number };
  };
}

describe("errors in vLLM's ≥0.10.1 envelope", () => {
  it("stream_options with stream:false → 400", async () => {
    const res = await post(s.url, chat({ stream: false, stream_options: { include_usage: true } }));
    expect(res.status).toBe(400);
    expect(await error(res)).toEqual({
      error: {
        message: "Stream options can only be defined when `stream=True`.",
        type: "BadRequestError",
        param: null,
        code: 400,
      },
    });
  });

  it("an empty or null stream_options with stream:false passes, as in vLLM (Python truthiness)", async () => {
    expect((await post(s.url, chat({ stream: false, stream_options: {} }))).status).toBe(200);
    expect((await post(s.url, chat({ stream_options: null }))).status).toBe(200);
  });

  it("a prompt longer than max_model_len → 400 maximum context length", async () => {
    const res = await post(s.url, chat({}, [{ role: "user", content: "word ".repeat(400) }]));
    expect(res.status).toBe(400);
    const e = await error(res);
    expect(e.error.type).toBe("BadRequestError");
    expect(e.error.code).toBe(400);
    expect(e.error.message).toMatch(/maximum context length is 256 tokens/);
    expect(e.error.message).toMatch(/However, your request has \d+ input tokens/);
  });

  it("max_tokens beyond the context → 400 maximum context length", async () => {
    const res = await post(s.url, chat({ max_tokens: 1000 }));
    expect(res.status).toBe(400);
    const e = await error(res);
    expect(e.error.message).toMatch(
      /'max_tokens' or 'max_completion_tokens' is too large: 1000\. This model's maximum context length is 256 tokens/,
    );
  });

  it("unknown model → 404 NotFoundError", async () => {
    const res = await post(s.url, chat({ model: "gpt-4" }));
    expect(res.status).toBe(404);
    expect(await error(res)).toEqual({
      error: {
        message: "The model `gpt-4` does not exist.",
        type: "NotFoundError",
        param: "model",
        code: 404,
      },
    });
  });

  it("invalid requests → 400; unknown fields are accepted", async () => {
    const bad = await post(s.url, { model: "glm-4.6", messages: [] });
    expect(bad.status).toBe(400);
    expect((await error(bad)).error.type).toBe("BadRequestError");
    const malformed = await fetch(`${s.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect((await error(malformed)).error.code).toBe(400);
    const ok = await post(
      s.url,
      chat({ program_id: "p", vllm_xargs: { a: 1 }, something_new: true }),
    );
    expect(ok.status).toBe(200);
  });
});
