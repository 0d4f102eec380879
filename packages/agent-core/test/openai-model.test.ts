import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import {
  ContextLengthExceededError,
  ModelSection,
  OpenAIModel,
  backoffDelayS,
  exponentialRetryPolicy,
  matchContextLength,
  normalizeError,
} from "../src/index.js";
import { ERROR_BODY_LIMIT, headersTimeoutOf } from "../src/model/chat-http.js";

type Handler = (body: Record<string, unknown>) => {
  status: number;
  body: string;
  sse?: boolean;
  headers?: Record<string, string>;
};

let server: Server | null = null;
const requests: Record<string, unknown>[] = [];

async function serve(handlers: Handler[]): Promise<string> {
  requests.length = 0;
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      requests.push(body);
      const h = handlers[Math.min(requests.length - 1, handlers.length - 1)]!;
      const out = h(body);
      res.writeHead(out.status, {
        "content-type": out.sse ? "text/event-stream" : "application/json",
        ...out.headers,
      });
      res.end(out.body);
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/v1`;
}
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(null)));
  server = null;
});

const sse = (...events: unknown[]) =>
  events.map((e) => `data: ${typeof e === "string" ? e : JSON.stringify(e)}\n\n`).join("");
const chunk = (content: string | null, extra: Record<string, unknown> = {}) => ({
  id: "c1",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: null }],
  ...extra,
});
const okStream: Handler = () => ({
  status: 200,
  sse: true,
  body: sse(
    chunk(""),
    chunk("Hello"),
    chunk(" world"),
    {
      id: "c1",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 2,
        total_tokens: 14,
        prompt_tokens_details: { cached_tokens: 8 },
      },
    },
    "[DONE]",
  ),
});
const errorBody = (status: number, message: string, flat = false, code: unknown = status) => ({
  status,
  body: JSON.stringify(
    flat
      ? { object: "error", message, type: "BadRequestError", param: null, code }
      : { error: { message, type: "BadRequestError", param: null, code } },
  ),
});

const sleeps: number[] = [];
function makeModel(baseUrl: string, extra: Record<string, unknown> = {}) {
  sleeps.length = 0;
  const config = ModelSection.parse({
    model_name: "glm",
    base_url: baseUrl,
    model_kwargs: { temperature: 0.25, drop_params: true },
    retry: { max_attempts: 4, min_delay_s: 1, max_delay_s: 8, multiplier: 1 },
    ...extra,
  });
  return new OpenAIModel({
    config,
    programId: "prog-7",
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

describe("OpenAIModel", () => {
  it("streams by default with program_id at the top level, usage and timings", async () => {
    const model = makeModel(await serve([okStream]));
    const res = await model.query([{ role: "user", content: "hi" }]);
    expect(res.content).toBe("Hello world");
    expect(res.usage).toEqual({ promptTokens: 12, completionTokens: 2, cachedTokens: 8 });
    expect(res.firstToken).not.toBeNull();
    expect(res.lastToken).toBeGreaterThanOrEqual(res.firstToken!);
    const body = requests[0]!;
    expect(body).toMatchObject({
      model: "glm",
      program_id: "prog-7",
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 2048,
      temperature: 0.25,
    });
    expect(body).not.toHaveProperty("drop_params");
    expect(body).not.toHaveProperty("extra_body");
    expect(model.nCalls).toBe(1);
  });

  it("stream: false, and max_tokens from model_kwargs replaces the default", async () => {
    const url = await serve([
      () => ({
        status: 200,
        body: JSON.stringify({
          id: "x",
          object: "chat.completion",
          created: 1,
          model: "m",
          choices: [
            { index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" },
          ],
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        }),
      }),
    ]);
    const model = makeModel(url, { stream: false, model_kwargs: { max_tokens: 77 } });
    const res = await model.query([{ role: "user", content: "hi" }]);
    expect(res.content).toBe("ok");
    expect(requests[0]).not.toHaveProperty("stream_options");
    expect(requests[0]).not.toHaveProperty("max_completion_tokens");
    expect(requests[0]).toMatchObject({ stream: false, max_tokens: 77, program_id: "prog-7" });
  });

  it("retries 429 and 5xx with exponential backoff, never 400", async () => {
    const model = makeModel(
      await serve([
        () => errorBody(429, "slow down"),
        () => errorBody(503, "busy"),
        () => errorBody(500, "oops"),
        okStream,
      ]),
    );
    const res = await model.query([{ role: "user", content: "hi" }]);
    expect(res.attempts).toBe(4);
    expect(sleeps).toEqual([1000, 2000, 4000]);

    const bad = makeModel(await serve([() => errorBody(400, "bad field")]));
    await expect(bad.query([{ role: "user", content: "hi" }])).rejects.toMatchObject({
      status: 400,
    });
    expect(requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("an HTTP error is the SDK's error class, with the response's headers and a text body's message", async () => {
    const text = () => ({
      status: 503,
      body: "overloaded",
      headers: { "content-type": "text/plain", "retry-after": "7" },
    });
    const model = makeModel(await serve([text]), { retry: { max_attempts: 1 } });
    const err = await model.query([{ role: "user", content: "hi" }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as Error).message).toBe("503 overloaded");
    expect(normalizeError(err)).toMatchObject({ status: 503, retryAfterS: 7 });
  });

  it("an error body is read up to 64 KiB, the message says where it was cut", async () => {
    const huge = () => ({
      status: 500,
      body: "x".repeat(4 * 1024 * 1024),
      headers: { "content-type": "text/plain" },
    });
    const model = makeModel(await serve([huge]), { retry: { max_attempts: 1 } });
    const err = await model.query([{ role: "user", content: "hi" }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    const message = (err as Error).message;
    expect(message.endsWith(`… (cut at ${ERROR_BODY_LIMIT} bytes)`)).toBe(true);
    expect(message.length).toBeLessThan(ERROR_BODY_LIMIT + 64);
  });

  it("no timeout configured: no limit on waiting for the first byte (not undici's 300 s)", () => {
    expect(headersTimeoutOf(null)).toBe(0); // undici: 0 disables the timer
    expect(headersTimeoutOf(1500)).toBe(1500);
    expect(headersTimeoutOf(3_600_000)).toBe(3_600_000);
  });

  it("a request timeout and an abort are the SDK's errors", async () => {
    server = createServer(() => undefined); // never answers
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const slow = makeModel(url, { timeout: 0.2, retry: { max_attempts: 1 } });
    const timedOut = await slow.query([{ role: "user", content: "hi" }]).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const abort = new AbortController();
    const pending = makeModel(url).query([{ role: "user", content: "hi" }], {
      signal: abort.signal,
    });
    setTimeout(() => abort.abort(), 50);
    expect(await pending.catch((e: unknown) => e)).toBeInstanceOf(OpenAI.APIUserAbortError);
    server.closeAllConnections();
  });

  it("gives up after max_attempts", async () => {
    const model = makeModel(await serve([() => errorBody(502, "bad gateway")]));
    await expect(model.query([{ role: "user", content: "hi" }])).rejects.toMatchObject({
      status: 502,
    });
    expect(requests).toHaveLength(4);
  });

  it("retries connection errors", async () => {
    const model = makeModel("http://127.0.0.1:9/v1");
    await expect(model.query([{ role: "user", content: "hi" }])).rejects.toThrow();
    expect(sleeps).toHaveLength(3);
  });

  it("retries a mid-stream error event", async () => {
    const model = makeModel(
      await serve([
        () => ({
          status: 200,
          sse: true,
          body: sse(
            chunk("He"),
            { error: { message: "engine died", type: "InternalServerError", code: 500 } },
            "[DONE]",
          ),
        }),
        okStream,
      ]),
    );
    const res = await model.query([{ role: "user", content: "hi" }]);
    expect(res.content).toBe("Hello world");
    expect(requests).toHaveLength(2);
  });

  const variants = [
    "This model's maximum context length is 32768 tokens. However, your request has 40000 input tokens. Please reduce the length of the input messages.",
    "'max_tokens' or 'max_completion_tokens' is too large: 2048. This model's maximum context length is 32768 tokens and your request has 31000 input tokens (2048 > 32768 - 31000).",
    "This model's maximum context length is 32768 tokens. However, you requested 2048 output tokens and your prompt contains at least 30721 input tokens, for a total of at least 32769 tokens. Please reduce the length of the input prompt or the number of requested output tokens. (parameter=input_tokens, value=30721)",
  ];
  it.each(variants.map((v, i) => [i, v] as const))(
    "context-length variant %i → ContextLengthExceededError, no retry",
    async (_i, message) => {
      for (const flat of [false, true]) {
        const model = makeModel(await serve([() => errorBody(400, message, flat)]));
        const err = await model.query([{ role: "user", content: "hi" }]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ContextLengthExceededError);
        expect((err as ContextLengthExceededError).maxContextTokens).toBe(32768);
        expect(requests).toHaveLength(1);
        await new Promise((r) => server!.close(r));
        server = null;
      }
    },
  );

  it("recognises a string code context_length_exceeded; ignores other 400s", () => {
    expect(
      matchContextLength(400, "too long", {
        error: { message: "x", code: "context_length_exceeded" },
      }),
    ).toEqual({ maxContextTokens: null });
    expect(
      matchContextLength(400, "Unknown field", { error: { message: "Unknown field", code: 400 } }),
    ).toBeNull();
    expect(matchContextLength(500, "maximum context length is 5 tokens")).toBeNull();
  });
});

describe("retry policy (pure)", () => {
  const retry = { max_attempts: 10, min_delay_s: 4, max_delay_s: 60, multiplier: 1 };
  const base = {
    status: null,
    isNetworkError: false,
    isAbort: false,
    isContextLength: false,
    retryAfterS: null,
    isUnknown: false,
  };
  it("tenacity's wait_exponential(min=4, max=60)", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffDelayS(a, retry))).toEqual([
      4, 4, 4, 8, 16, 32, 60, 60,
    ]);
  });
  it("decides per error", () => {
    const p = exponentialRetryPolicy(retry);
    expect(p({ ...base, status: 429 }, 1)).toEqual({ retry: true, delayS: 4 });
    expect(p({ ...base, status: 429, retryAfterS: 9 }, 1)).toEqual({ retry: true, delayS: 9 });
    expect(p({ ...base, status: 400 }, 1)).toEqual({ retry: false });
    expect(p({ ...base, status: 404 }, 1)).toEqual({ retry: false });
    expect(p({ ...base, isNetworkError: true }, 9)).toEqual({ retry: true, delayS: 60 });
    expect(p({ ...base, isNetworkError: true }, 10)).toEqual({ retry: false });
    expect(p({ ...base, isAbort: true }, 1)).toEqual({ retry: false });
    expect(p({ ...base, isUnknown: true }, 1)).toEqual({ retry: false });
  });
});
