import OpenAI from "openai";
import type { ProgramsResponse } from "@thunderagent/protocol";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastRequests, MODEL, startEngine, type Engine } from "./helpers/engines.js";
import { startProxy, type RunningProxy } from "./helpers/harness.js";
import { parseResponses, startTap, type Tap } from "./helpers/tap.js";

let engine: Engine;
let tap: Tap;
let proxy: RunningProxy;
let client: OpenAI;

beforeAll(async () => {
  engine = await startEngine();
  tap = await startTap(engine.url);
  proxy = await startProxy({ backends: [tap.url] });
  client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "unused", maxRetries: 0 });
});
afterAll(async () => {
  await proxy.close();
  await tap.close();
  await engine.close();
});

const messages = [{ role: "user" as const, content: "List the files, please." }];

async function rawStream(body: Record<string, unknown>): Promise<Buffer> {
  const res = await request(`${proxy.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, messages, max_tokens: 24, stream: true, ...body }),
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toMatch(/text\/event-stream/);
  return Buffer.from(await res.body.arrayBuffer());
}

/** The SSE bodies the backend sent through the tap, newest last. */
function backendStreams(): Buffer[] {
  return tap
    .downstream()
    .flatMap(parseResponses)
    .filter((r) => r.headers["content-type"]?.includes("text/event-stream"))
    .map((r) => r.body);
}

const USAGE_EVENT = /data: \{[^\n]*"choices":\[\],"usage":\{[^\n]*\}\n\n/;

describe("streaming pass-through", () => {
  it("gives the client exactly the backend's bytes when it asked for usage", async () => {
    const got = await rawStream({ program_id: "bytes-1", stream_options: { include_usage: true } });
    const sent = backendStreams().at(-1)!;
    expect(got.equals(sent)).toBe(true);
    expect(got.toString()).toMatch(USAGE_EVENT);
    expect(got.toString().endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("removes only the usage-only chunk when the client had not asked for usage", async () => {
    const got = await rawStream({ program_id: "bytes-2" });
    const sent = backendStreams().at(-1)!.toString();
    expect(sent).toMatch(USAGE_EVENT);
    expect(got.toString()).toBe(sent.replace(USAGE_EVENT, ""));
    // The engine was asked for usage all the same, and the Router got it.
    const last = (await lastRequests(engine)).at(-1)!;
    expect(last.body["stream_options"]).toEqual({ include_usage: true });
    const programs = (await (
      await request(`${proxy.url}/programs`)
    ).body.json()) as ProgramsResponse;
    expect(programs["bytes-2"]?.total_tokens).toBeGreaterThan(24);
    expect(programs["bytes-2"]?.status).toBe("acting");
  });

  it("does not add stream_options to non-streaming requests", async () => {
    const res = await request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: MODEL, messages, max_tokens: 8, program_id: "plain" }),
    });
    expect(res.statusCode).toBe(200);
    const body = (await res.body.json()) as { usage: { total_tokens: number } };
    expect(body.usage.total_tokens).toBeGreaterThan(8);
    const last = (await lastRequests(engine)).at(-1)!;
    expect(last.body["stream_options"]).toBeUndefined();
    expect(last.body["stream"]).toBeUndefined();
  });
});

describe("program id resolution and stripping", () => {
  it("reads program_id from the top level, then extra_body, else default, and strips them", async () => {
    await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 4,
      // The SDK sends unknown params as top-level body fields, as Python's extra_body does.
      ...({ program_id: "top", docker_ids: ["d1"] } as object),
    });
    await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 4,
      ...({ extra_body: { program_id: 42, docker_ids: ["d2"], top_k: 5 } } as object),
    });
    await client.chat.completions.create({ model: MODEL, messages, max_tokens: 4 });

    const programs = (await (
      await request(`${proxy.url}/programs`)
    ).body.json()) as ProgramsResponse;
    expect(Object.keys(programs)).toEqual(expect.arrayContaining(["top", "42", "default"]));

    const seen = (await lastRequests(engine)).slice(-3).map((r) => r.body);
    for (const body of seen) {
      expect(body).not.toHaveProperty("program_id");
      expect(body).not.toHaveProperty("docker_ids");
      expect(body["messages"]).toEqual(messages);
    }
    expect(seen[1]!["extra_body"]).toEqual({ top_k: 5 });
    expect(seen[0]).not.toHaveProperty("extra_body");
  });
});

describe("the official openai client through the proxy", () => {
  it("lists models, completes and streams", async () => {
    const models = await client.models.list();
    expect(models.data[0]?.id).toBe(MODEL);

    const done = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 12,
      ...({ program_id: "sdk" } as object),
    });
    expect(done.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(done.usage?.completion_tokens).toBe(12);

    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 12,
      stream: true,
      ...({ program_id: "sdk" } as object),
    });
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      // Every chunk has a choice: the usage-only chunk never reaches a client that did not ask.
      expect(chunk.choices.length).toBe(1);
      text += chunk.choices[0]!.delta.content ?? "";
      chunks++;
    }
    expect(chunks).toBeGreaterThan(1);
    expect(text).toBe(done.choices[0]?.message.content);

    const withUsage = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 12,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage = null;
    for await (const chunk of withUsage) if (chunk.usage) usage = chunk.usage;
    expect(usage).toMatchObject({ completion_tokens: 12 });
  });

  it("passes an engine 4xx through unchanged as an SDK error", async () => {
    const err = await client.chat.completions
      .create({ model: "no-such-model", messages, max_tokens: 4 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).message).toMatch(/no-such-model/);
  });
});
