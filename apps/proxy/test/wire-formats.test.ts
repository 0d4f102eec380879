import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { startEngineServer } from "@thunderagent/engine-sim";
import { decodeStepProfileCsv, type ProgramsResponse } from "@thunderagent/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODEL, type Engine } from "./helpers/engines.js";
import { startProxy, type RunningProxy } from "./helpers/harness.js";

// Every wire format through the proxy, driven by the official SDKs, in front of engine-sim
// (with --enable-prompt-tokens-details, so cached tokens reach the profile row).
let dir: string;
let engine: Engine;
let proxy: RunningProxy;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ta-formats-"));
  engine = await startEngineServer({
    instant: true,
    kvTokens: 200_000,
    maxModelLen: 32_768,
    seed: 7,
    enablePromptTokensDetails: true,
  });
  proxy = await startProxy({ backends: [engine.url], profile: true, profileDir: dir });
  openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: proxy.url, apiKey: "unused", maxRetries: 0 });
});
afterAll(async () => {
  await proxy.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Counts {
  prompt: number;
  completion: number;
  cached: number;
}

async function programs(): Promise<ProgramsResponse> {
  return (await (await fetch(`${proxy.url}/programs`)).json()) as ProgramsResponse;
}

/** The call landed in `program`: its tokens are the usage's, and so is its newest profile row. */
async function expectAccounted(program: string, u: Counts): Promise<void> {
  const p = (await programs())[program];
  expect(p?.status).toBe("acting");
  expect(p?.total_tokens).toBe(u.prompt + u.completion);
  const rows = decodeStepProfileCsv(readFileSync(join(dir, "step_profiles.csv"), "utf8"));
  const row = rows.filter((r) => r.program_id === program).at(-1);
  expect(row).toMatchObject({
    prompt_tokens: u.prompt,
    completion_tokens: u.completion,
    cached_tokens: u.cached,
  });
}

async function release(program: string): Promise<void> {
  const res = await fetch(`${proxy.url}/programs/release`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ program_id: program }),
  });
  expect(await res.json()).toEqual({ program_id: program, released: true });
  expect((await programs())[program]).toBeUndefined();
}

const user = (step: string) => `<pr_description>${step}</pr_description>`;

function openAICounts(u: OpenAI.CompletionUsage | null | undefined): Counts {
  return {
    prompt: u!.prompt_tokens,
    completion: u!.completion_tokens,
    cached: u!.prompt_tokens_details!.cached_tokens!,
  };
}

describe("OpenAI chat completions", () => {
  it("non-streaming, program from the body", async () => {
    const r = await openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: user("chat") }],
      max_tokens: 12,
      program_id: "chat-plain",
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await expectAccounted("chat-plain", openAICounts(r.usage));
    await release("chat-plain");
  });

  it("streaming without include_usage: no usage-only chunk, usage accounted all the same", async () => {
    const stream = await openai.chat.completions.create(
      {
        model: MODEL,
        messages: [{ role: "user", content: user("chat stream") }],
        max_tokens: 12,
        stream: true,
      },
      { headers: { "x-session-id": "chat-stream" } },
    );
    for await (const c of stream) expect(c.choices.length).toBe(1);
    const p = (await programs())["chat-stream"];
    expect(p?.total_tokens).toBeGreaterThan(12);
    await release("chat-stream");
  });
});

describe("OpenAI completions", () => {
  it("non-streaming, program from extra_body", async () => {
    const r = await openai.completions.create({
      model: MODEL,
      prompt: user("completions"),
      max_tokens: 10,
      extra_body: { program_id: "cmpl-plain" },
    } as OpenAI.CompletionCreateParamsNonStreaming);
    expect(r.object).toBe("text_completion");
    await expectAccounted("cmpl-plain", openAICounts(r.usage));
    await release("cmpl-plain");
  });

  it("streaming: the usage chunk only when asked, accounted either way", async () => {
    const body = { model: MODEL, prompt: user("completions stream"), max_tokens: 10 };
    const plain = await openai.completions.create(
      { ...body, stream: true },
      { headers: { "x-session-id": "cmpl-stream" } },
    );
    for await (const c of plain) expect(c.choices.length).toBe(1);
    expect((await programs())["cmpl-stream"]?.total_tokens).toBeGreaterThan(10);
    const asked = await openai.completions.create(
      { ...body, stream: true, stream_options: { include_usage: true } },
      { headers: { "x-session-id": "cmpl-stream" } },
    );
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const c of asked) if (c.choices.length === 0) usage = c.usage;
    await expectAccounted("cmpl-stream", openAICounts(usage));
    await release("cmpl-stream");
  });
});

function responsesCounts(u: OpenAI.Responses.ResponseUsage | undefined): Counts {
  return {
    prompt: u!.input_tokens,
    completion: u!.output_tokens,
    cached: u!.input_tokens_details.cached_tokens,
  };
}

describe("OpenAI Responses", () => {
  it("non-streaming", async () => {
    const r = await openai.responses.create({
      model: MODEL,
      instructions: "You are a helpful assistant.",
      input: user("responses"),
      max_output_tokens: 10,
      program_id: "resp-plain",
    } as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    expect(r.output_text.length).toBeGreaterThan(0);
    await expectAccounted("resp-plain", responsesCounts(r.usage));
    await release("resp-plain");
  });

  it("streaming: usage from response.completed", async () => {
    const stream = await openai.responses.create(
      { model: MODEL, input: user("responses stream"), max_output_tokens: 10, stream: true },
      { headers: { "x-session-id": "resp-stream" } },
    );
    let usage: OpenAI.Responses.ResponseUsage | undefined;
    for await (const e of stream) if (e.type === "response.completed") usage = e.response.usage;
    await expectAccounted("resp-stream", responsesCounts(usage));
    await release("resp-stream");
  });
});

function anthropicCounts(u: Anthropic.Usage): Counts {
  const cached = u.cache_read_input_tokens ?? 0;
  return { prompt: u.input_tokens + cached, completion: u.output_tokens, cached };
}

describe("Anthropic messages", () => {
  const params = (step: string, program: string) =>
    ({
      model: MODEL,
      max_tokens: 10,
      system: "You are a helpful assistant.",
      messages: [{ role: "user", content: user(step) }],
      metadata: { program_id: program },
    }) as unknown as Anthropic.MessageCreateParamsNonStreaming;

  it("non-streaming, program from metadata.program_id", async () => {
    const r = await anthropic.messages.create(params("messages", "msg-plain"));
    expect(r.type).toBe("message");
    await expectAccounted("msg-plain", anthropicCounts(r.usage));
    // The second step of the same conversation reads its prefix from the cache.
    const again = await anthropic.messages.create(params("messages", "msg-plain"));
    expect(again.usage.cache_read_input_tokens).toBeGreaterThan(0);
    await expectAccounted("msg-plain", anthropicCounts(again.usage));
    await release("msg-plain");
  });

  it("streaming: usage from message_start and message_delta", async () => {
    const stream = anthropic.messages.stream(params("messages stream", "msg-stream"));
    const final = await stream.finalMessage();
    await expectAccounted("msg-stream", anthropicCounts(final.usage));
    await release("msg-stream");
  });
});

describe("the in-band close signal on every route", () => {
  const final = (program: string) => ({
    headers: { "x-session-id": program, "x-session-final": "true" },
  });
  const steps: Record<string, (program: string, stream: boolean) => Promise<void>> = {
    completions: async (program, stream) => {
      const body = { model: MODEL, prompt: user("close"), max_tokens: 6 };
      if (!stream) return void (await openai.completions.create(body, final(program)));
      for await (const c of await openai.completions.create({ ...body, stream }, final(program)))
        expect(c.choices.length).toBe(1);
    },
    responses: async (program, stream) => {
      const body = { model: MODEL, input: user("close"), max_output_tokens: 6 };
      if (!stream) return void (await openai.responses.create(body, final(program)));
      for await (const e of await openai.responses.create({ ...body, stream }, final(program)))
        expect(e.type).toMatch(/^response\./);
    },
    messages: async (program, stream) => {
      const body = {
        model: MODEL,
        max_tokens: 6,
        messages: [{ role: "user" as const, content: user("close") }],
      };
      if (!stream) return void (await anthropic.messages.create(body, final(program)));
      await anthropic.messages.stream(body, final(program)).finalMessage();
    },
  };

  it.each([
    ["completions", false],
    ["completions", true],
    ["responses", false],
    ["responses", true],
    ["messages", false],
    ["messages", true],
  ] as const)(
    "%s (stream %s): the program is gone once the response ends",
    async (route, stream) => {
      const program = `close-${route}-${String(stream)}`;
      // A first step without the signal leaves the program on the books.
      const open = await fetch(`${proxy.url}/v1/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-session-id": program },
        body: JSON.stringify({ model: MODEL, prompt: user("open"), max_tokens: 4 }),
      });
      expect(open.status).toBe(200);
      await open.arrayBuffer();
      expect((await programs())[program]?.step_count).toBe(1);
      await steps[route]!(program, stream);
      expect((await programs())[program]).toBeUndefined();
    },
  );
});

describe("bad input gets a 4xx in the route's error shape", () => {
  async function post(path: string, body: string) {
    const res = await fetch(`${proxy.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  const badProgram = JSON.stringify({ model: MODEL, program_id: [] });

  it.each(["/v1/chat/completions", "/v1/completions", "/v1/responses"])(
    "%s: the OpenAI envelope, from the proxy and from the engine",
    async (path) => {
      const proxyRefusal = await post(path, badProgram);
      expect(proxyRefusal.status).toBe(400);
      expect(proxyRefusal.body["error"]).toMatchObject({
        code: "invalid_program_id",
        param: "program_id",
      });
      const engineRefusal = await post(path, JSON.stringify({ model: MODEL }));
      expect(engineRefusal.status).toBe(400);
      expect(engineRefusal.body["error"]).toMatchObject({ type: "BadRequestError", code: 400 });
      expect((await post(path, "{")).body["error"]).toMatchObject({ code: "invalid_json" });
    },
  );

  it("/v1/messages: Anthropic's shape, from the proxy and from the engine", async () => {
    for (const body of [badProgram, "{", JSON.stringify({ model: MODEL, messages: [] })]) {
      const r = await post("/v1/messages", body);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({
        type: "error",
        error: { type: "invalid_request_error", message: expect.any(String) },
      });
    }
    const metadata = await post(
      "/v1/messages",
      JSON.stringify({ model: MODEL, metadata: { program_id: "" } }),
    );
    expect((metadata.body["error"] as { message: string }).message).toMatch(/metadata.program_id/);
  });
});

describe("Prometheus counts each route", () => {
  it("route_requests_total has one series per format, and chat_requests_total is their sum", async () => {
    const text = await (
      await fetch(`${proxy.url}/metrics`, { headers: { accept: "text/plain" } })
    ).text();
    const series = (name: string) =>
      new Map(
        [
          ...text.matchAll(new RegExp(`^thunderagent_${name}\\{route="(\\w+)"\\} (\\d+)$`, "gm")),
        ].map((m) => [m[1]!, Number(m[2])]),
      );
    const requests = series("route_requests_total");
    expect([...requests.keys()].sort()).toEqual(["chat", "completions", "messages", "responses"]);
    for (const n of requests.values()) expect(n).toBeGreaterThanOrEqual(3);
    const streams = series("route_streams_total");
    for (const route of requests.keys()) expect(streams.get(route)).toBeGreaterThanOrEqual(1);
    const total = Number(/^thunderagent_chat_requests_total (\d+)$/m.exec(text)?.[1]);
    expect(total).toBe([...requests.values()].reduce((a, b) => a + b, 0));
  });
});
