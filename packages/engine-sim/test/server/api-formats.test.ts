import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedEngineServer } from "../../src/index.js";
import { MODEL, start } from "./helpers.js";

// The routes beside chat, driven by the official SDKs (--enable-prompt-tokens-details on).
let s: StartedEngineServer;
let openai: OpenAI;
let anthropic: Anthropic;
beforeAll(async () => {
  s = await start({ enablePromptTokensDetails: true });
  openai = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: "unused", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: s.url, apiKey: "unused", maxRetries: 0 });
});
afterAll(async () => s.close());

const prompt = "<pr_description>Make the tests pass</pr_description>";

async function postRaw(path: string, body: unknown) {
  const res = await fetch(`${s.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe("/v1/completions", () => {
  it("non-streaming: text_completion with usage (max_tokens defaults to 16)", async () => {
    const r = await openai.completions.create({ model: MODEL, prompt });
    expect(r.object).toBe("text_completion");
    expect(r.choices[0]!.text.length).toBeGreaterThan(0);
    expect(r.choices[0]!.finish_reason).toBe("length");
    expect(r.usage).toMatchObject({ completion_tokens: 16, prompt_tokens: 13 });
  });

  it("accepts token ids as the prompt", async () => {
    const r = await openai.completions.create({ model: MODEL, prompt: [5, 6, 7], max_tokens: 4 });
    expect(r.usage!.prompt_tokens).toBe(3);
    expect(r.usage!.completion_tokens).toBe(4);
  });

  it("streaming: text chunks, then the usage chunk only with include_usage", async () => {
    const withUsage = await openai.completions.create({
      model: MODEL,
      prompt,
      max_tokens: 40,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const c of withUsage) {
      if (c.choices.length > 0) text += c.choices[0]!.text;
      else usage = c.usage;
    }
    expect(text.length).toBeGreaterThan(100);
    expect(usage).toMatchObject({ prompt_tokens: 13, completion_tokens: 40, total_tokens: 53 });
    const raw = await postRaw("/v1/completions", { model: MODEL, prompt, stream: true });
    expect(raw.text).not.toContain('"choices":[]');
    expect(raw.text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("bad input: 400 in the OpenAI envelope", async () => {
    const r = await postRaw("/v1/completions", { model: MODEL });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error).toMatchObject({ type: "BadRequestError", code: 400 });
  });
});

describe("/v1/responses", () => {
  it("non-streaming: the response object with usage and cached tokens", async () => {
    const r = await openai.responses.create({
      model: MODEL,
      instructions: "You are a helpful assistant.",
      input: prompt,
    });
    expect(r.object).toBe("response");
    expect(r.status).toBe("completed");
    expect(r.output_text).toMatch(/^THOUGHT:[\s\S]*```bash\nls -la\n```$/);
    expect(r.usage).toMatchObject({
      input_tokens: expect.any(Number),
      input_tokens_details: { cached_tokens: expect.any(Number) },
      output_tokens: expect.any(Number),
    });
    expect(r.usage!.total_tokens).toBe(r.usage!.input_tokens + r.usage!.output_tokens);
  });

  it("streaming: created … output_text.delta … completed carrying the usage", async () => {
    const stream = await openai.responses.create({
      model: MODEL,
      input: [{ role: "user", content: [{ type: "input_text", text: prompt }] }],
      max_output_tokens: 30,
      stream: true,
    });
    const types: string[] = [];
    let text = "";
    let final: OpenAI.Responses.Response | undefined;
    for await (const e of stream) {
      types.push(e.type);
      if (e.type === "response.output_text.delta") text += e.delta;
      if (e.type === "response.completed") final = e.response;
    }
    expect(types.slice(0, 4)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
    ]);
    expect(types.at(-1)).toBe("response.completed");
    expect(final!.status).toBe("incomplete");
    const item = final!.output[0] as OpenAI.Responses.ResponseOutputMessage;
    expect(item.content[0]).toMatchObject({ type: "output_text", text });
    expect(final!.usage!.output_tokens).toBe(30);
  });

  it("bad input: 400 in the OpenAI envelope", async () => {
    const r = await postRaw("/v1/responses", { model: MODEL, input: 5 });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error.message).toContain("input");
  });
});

describe("/v1/messages", () => {
  const messages = [{ role: "user" as const, content: prompt }];

  it("non-streaming: a message whose usage splits cached from uncached input", async () => {
    const first = await anthropic.messages.create({ model: MODEL, max_tokens: 64, messages });
    const r = await anthropic.messages.create({ model: MODEL, max_tokens: 64, messages });
    expect(r.type).toBe("message");
    expect(r.content[0]).toMatchObject({ type: "text" });
    expect(["end_turn", "max_tokens"]).toContain(r.stop_reason);
    // The second identical prompt hits the prefix cache.
    expect(r.usage.cache_read_input_tokens).toBeGreaterThan(0);
    expect(r.usage.input_tokens + r.usage.cache_read_input_tokens!).toBe(
      first.usage.input_tokens + first.usage.cache_read_input_tokens!,
    );
  });

  it("streaming: message_start … message_delta (usage) … message_stop", async () => {
    const stream = anthropic.messages.stream({
      model: MODEL,
      max_tokens: 20,
      system: "You are a helpful assistant.",
      messages,
    });
    const types: string[] = [];
    stream.on("streamEvent", (e) => types.push(e.type));
    const final = await stream.finalMessage();
    expect(types[0]).toBe("message_start");
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(final.stop_reason).toBe("max_tokens");
    expect(final.usage.output_tokens).toBe(20);
    expect((final.content[0] as Anthropic.TextBlock).text.length).toBeGreaterThan(0);
  });

  it("errors in Anthropic's shape: bad body, unknown model, unparsable JSON", async () => {
    const bad = await postRaw("/v1/messages", { model: MODEL, messages });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error", message: expect.stringContaining("max_tokens") },
    });
    const unknown = await postRaw("/v1/messages", { model: "nope", max_tokens: 5, messages });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error.type).toBe("not_found_error");
    const broken = await postRaw("/v1/messages", "{");
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.text).type).toBe("error");
  });
});
