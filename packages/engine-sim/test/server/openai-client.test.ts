import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedEngineServer } from "../../src/index.js";
import { MODEL, start } from "./helpers.js";

// As `pnpm engine-sim --profile glm4.6 --time-scale 0.01 --enable-prompt-tokens-details` runs.
let s: StartedEngineServer;
let client: OpenAI;
beforeAll(async () => {
  s = await start({
    profile: "glm4.6",
    instant: false,
    timeScale: 0.01,
    enablePromptTokensDetails: true,
  });
  client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: "unused", maxRetries: 0 });
});
afterAll(async () => s.close());

const messages = [
  {
    role: "system" as const,
    content: "You are a helpful assistant that can interact with a computer.",
  },
  { role: "user" as const, content: "<pr_description>Make the tests pass</pr_description>" },
];

describe("the official openai client", () => {
  it("non-streaming", async () => {
    const r = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_completion_tokens: 2048,
    });
    expect(r.object).toBe("chat.completion");
    expect(r.choices[0]!.message.role).toBe("assistant");
    expect(r.choices[0]!.message.content).toMatch(/^THOUGHT:[\s\S]*```bash\nls -la\n```$/);
    expect(r.choices[0]!.finish_reason).toBe("stop");
    expect(r.usage!.prompt_tokens_details).toEqual({ cached_tokens: expect.any(Number) });
  });

  it("streaming with include_usage", async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      if (chunk.choices.length === 0) usage = chunk.usage;
      for (const c of chunk.choices) {
        text += c.delta.content ?? "";
        finish = c.finish_reason ?? finish;
      }
    }
    expect(text).toMatch(/^THOUGHT:[\s\S]*```bash\nls -la\n```$/);
    expect(finish).toBe("stop");
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    // the second identical request hits the prefix cached by the first
    expect(usage!.prompt_tokens_details!.cached_tokens).toBeGreaterThan(0);
  });

  it("answers with a bash tool call when the request offers tools (streamed and not)", async () => {
    const tools = [
      {
        type: "function" as const,
        function: {
          name: "bash",
          parameters: { type: "object", properties: { command: { type: "string" } } },
        },
      },
    ];
    const r = await client.chat.completions.create({ model: MODEL, messages, tools });
    const call = r.choices[0]!.message.tool_calls?.[0];
    expect(r.choices[0]!.finish_reason).toBe("tool_calls");
    expect(call?.type === "function" && call.function.name).toBe("bash");
    expect(call?.type === "function" && JSON.parse(call.function.arguments)).toEqual({
      command: "ls -la",
    });
    expect(r.choices[0]!.message.content).toMatch(/^THOUGHT:/);
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      tools,
      stream: true,
    });
    let args = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const d of chunk.choices[0]?.delta.tool_calls ?? []) args += d.function?.arguments ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(JSON.parse(args)).toEqual({ command: "ls -la" });
    expect(finish).toBe("tool_calls");
  });

  it("uses the block the prompt asks for (mini-swe-agent v2 text mode)", async () => {
    const v2 = [
      { role: "system" as const, content: "Reply with one ```mswea_bash_command block." },
      messages[1]!,
    ];
    const r = await client.chat.completions.create({ model: MODEL, messages: v2 });
    expect(r.choices[0]!.message.content).toMatch(/```mswea_bash_command\nls -la\n```$/);
  });

  it("surfaces vLLM errors as the client's typed errors", async () => {
    await expect(client.chat.completions.create({ model: "nope", messages })).rejects.toMatchObject(
      {
        status: 404,
        error: { type: "NotFoundError" },
      },
    );
  });
});
