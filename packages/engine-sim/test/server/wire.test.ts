import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedEngineServer } from "../../src/index.js";
import { MODEL, chat, post, sseEvents, start } from "./helpers.js";

let s: StartedEngineServer;
beforeAll(async () => {
  s = await start({ enablePromptTokensDetails: true });
});
afterAll(async () => s.close());

describe("chat completions wire format", () => {
  it("streams data: frames, role chunk first, finish chunk, usage chunk, [DONE]", async () => {
    const res = await post(s.url, chat({ stream: true, stream_options: { include_usage: true } }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const text = await res.text();
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const frames = sseEvents(text);
    expect(frames.pop()).toBe("[DONE]");
    const chunks = frames.map((f) => JSON.parse(f));
    const id = chunks[0].id as string;
    expect(id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    for (const c of chunks) {
      expect(c.id).toBe(id);
      expect(c.object).toBe("chat.completion.chunk");
      expect(c.model).toBe(MODEL);
      expect(Number.isInteger(c.created)).toBe(true);
    }
    expect(frames[0]).toBe(
      `{"id":"${id}","object":"chat.completion.chunk","created":${chunks[0].created},"model":"${MODEL}","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}`,
    );
    const usage = chunks.pop();
    expect(usage.choices).toEqual([]);
    const fin = chunks.pop();
    expect(fin.choices[0]).toMatchObject({
      index: 0,
      finish_reason: "stop",
      stop_reason: null,
      logprobs: null,
    });
    expect(Object.keys(fin.choices[0])).toEqual([
      "index",
      "delta",
      "logprobs",
      "finish_reason",
      "stop_reason",
    ]);
    for (const c of chunks.slice(1)) {
      expect(c.choices[0].finish_reason).toBeNull();
      expect(Object.keys(c.choices[0].delta)).toEqual(["content"]);
      expect("usage" in c).toBe(false);
    }
    const content =
      chunks
        .slice(1)
        .map((c) => c.choices[0].delta.content as string)
        .join("") + (fin.choices[0].delta.content as string);
    expect(content.startsWith("THOUGHT:")).toBe(true);
    expect(Object.keys(usage.usage)).toEqual([
      "prompt_tokens",
      "total_tokens",
      "completion_tokens",
      "prompt_tokens_details",
    ]);
    expect(usage.usage.total_tokens).toBe(
      usage.usage.prompt_tokens + usage.usage.completion_tokens,
    );
    // one content chunk per token; the last (end of turn) carries finish_reason
    expect(chunks.length - 1 + 1).toBe(usage.usage.completion_tokens);

    // the same conversation without streaming: same content and usage shape
    const res2 = await post(s.url, chat());
    const body = (await res2.json()) as {
      object: string;
      choices: Array<{ message: { role: string; content: string }; finish_reason: string }>;
      usage: { completion_tokens: number; prompt_tokens_details: { cached_tokens: number } };
    };
    expect(body.object).toBe("chat.completion");
    expect(body.choices[0]!.message.content).toBe(content);
    expect(body.choices[0]!.finish_reason).toBe("stop");
    expect(body.usage.completion_tokens).toBe(usage.usage.completion_tokens);
    // the resubmitted conversation hits its prefix
    expect(body.usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
  });

  it("sends no usage chunk without stream_options, and usage on every chunk with continuous_usage_stats", async () => {
    const plain = sseEvents(await (await post(s.url, chat({ stream: true }))).text());
    expect(plain.some((f) => f.includes('"choices":[]'))).toBe(false);
    const cont = sseEvents(
      await (
        await post(
          s.url,
          chat({
            stream: true,
            stream_options: { include_usage: true, continuous_usage_stats: true },
          }),
        )
      ).text(),
    );
    cont.pop();
    for (const f of cont) expect(JSON.parse(f).usage).toBeDefined();
  });

  it("honours max_tokens and max_completion_tokens with finish_reason length", async () => {
    for (const key of ["max_tokens", "max_completion_tokens"]) {
      const res = await post(s.url, chat({ [key]: 5 }));
      const body = (await res.json()) as {
        choices: Array<{ finish_reason: string; message: { content: string } }>;
        usage: { completion_tokens: number };
      };
      expect(body.choices[0]!.finish_reason).toBe("length");
      expect(body.usage.completion_tokens).toBe(5);
      expect(body.choices[0]!.message.content).toHaveLength(20);
      expect(body.choices[0]!.message.content.startsWith("THOUGHT:")).toBe(true);
    }
  });

  it("a growing conversation keeps its cached prefix (cached_tokens)", async () => {
    const first = chat({}, [
      { role: "system", content: "S".repeat(400) },
      { role: "user", content: "task: make the tests pass ".repeat(20) },
    ]);
    const r1 = (await (await post(s.url, first)).json()) as {
      choices: Array<{ message: { content: string } }>;
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    const second = chat({}, [
      ...first.messages,
      { role: "assistant", content: r1.choices[0]!.message.content },
      { role: "user", content: "<returncode>0</returncode><output>ok</output>" },
    ]);
    const r2 = (await (await post(s.url, second)).json()) as {
      usage: { prompt_tokens: number; prompt_tokens_details: { cached_tokens: number } };
    };
    const reusable = r1.usage.prompt_tokens + r1.usage.completion_tokens - 1; // the last reply token is never computed
    expect(r2.usage.prompt_tokens_details.cached_tokens).toBe(Math.floor(reusable / 16) * 16);
  });
});

describe("utility endpoints", () => {
  it("/health 200 with an empty body, /version, /v1/models with max_model_len", async () => {
    const h = await fetch(`${s.url}/health`);
    expect(h.status).toBe(200);
    expect(await h.text()).toBe("");
    expect(await (await fetch(`${s.url}/version`)).json()).toEqual({ version: "0.11.0" });
    const models = (await (await fetch(`${s.url}/v1/models`)).json()) as {
      object: string;
      data: Array<{
        id: string;
        object: string;
        owned_by: string;
        max_model_len: number;
        root: string;
      }>;
    };
    expect(models.object).toBe("list");
    expect(models.data[0]).toMatchObject({
      id: MODEL,
      object: "model",
      owned_by: "vllm",
      max_model_len: 32_768,
      root: "zai-org/GLM-4.6-FP8",
    });
  });

  it("POST /tokenize counts a chat the way the engine sees it", async () => {
    const body = chat();
    const r = (await (
      await fetch(`${s.url}/tokenize`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: MODEL, messages: body.messages }),
      })
    ).json()) as { count: number; max_model_len: number; tokens: number[] };
    const done = (await (await post(s.url, body)).json()) as { usage: { prompt_tokens: number } };
    expect(r.count).toBe(done.usage.prompt_tokens);
    expect(r.tokens).toHaveLength(r.count);
    expect(r.max_model_len).toBe(32_768);
  });

  it("GET /debug/engine shows the simulated clock and the counters (simulator-only)", async () => {
    const d = (await (await fetch(`${s.url}/debug/engine`)).json()) as {
      simTimeS: number;
      instant: boolean;
      counters: { numGpuBlocks: number; requestSuccess: { stop: number } };
    };
    expect(d.instant).toBe(true);
    expect(d.simTimeS).toBeGreaterThan(0);
    expect(d.counters.numGpuBlocks).toBe(12_500);
    expect(d.counters.requestSuccess.stop).toBeGreaterThan(0);
  });

  it("unknown routes answer FastAPI's 404", async () => {
    const r = await fetch(`${s.url}/get_server_info`);
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ detail: "Not Found" });
  });

  it("records what it received at /debug/last-requests (simulator-only)", async () => {
    await fetch(`${s.url}/debug/last-requests`, { method: "DELETE" });
    await post(s.url, chat({ program_id: "prog-7", extra_body: { foo: 1 } }), {
      headers: { "content-type": "application/json", "x-test": "yes" },
    });
    const log = (await (await fetch(`${s.url}/debug/last-requests?n=1`)).json()) as {
      requests: Array<{
        url: string;
        headers: Record<string, string>;
        body: Record<string, unknown>;
      }>;
    };
    expect(log.requests).toHaveLength(1);
    expect(log.requests[0]!.url).toBe("/v1/chat/completions");
    expect(log.requests[0]!.body.program_id).toBe("prog-7");
    expect(log.requests[0]!.headers["x-test"]).toBe("yes");
  });
});
