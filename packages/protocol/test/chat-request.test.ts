import { describe, expect, it } from "vitest";
import {
  ChatCompletionRequest,
  DEFAULT_PROGRAM_ID,
  parseOrThrow,
  parseWith,
  ProtocolValidationError,
  resolveRouting,
  stripRouterFields,
} from "../src/index.js";

const base = {
  model: "glm-4.6",
  messages: [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: "Fix the bug." },
  ],
};

describe("ChatCompletionRequest", () => {
  it("accepts a minimal request and keeps unknown fields untouched", () => {
    const body = {
      ...base,
      vllm_xargs: { a: 1 },
      chat_template_kwargs: { enable_thinking: false },
    };
    const parsed = parseOrThrow(ChatCompletionRequest, body, "chat request");
    expect(parsed["vllm_xargs"]).toEqual({ a: 1 });
    expect(parsed["chat_template_kwargs"]).toEqual({ enable_thinking: false });
    expect(parsed.messages[1]?.content).toBe("Fix the bug.");
  });

  it("keeps unknown fields inside messages and stream_options", () => {
    const body = {
      ...base,
      messages: [{ role: "assistant", content: "x", reasoning_content: "think" }],
      stream: true,
      stream_options: { include_usage: true, future_flag: 3 },
    };
    const parsed = ChatCompletionRequest.parse(body);
    expect(parsed.messages[0]?.["reasoning_content"]).toBe("think");
    expect(parsed.stream_options?.["future_flag"]).toBe(3);
  });

  it("names the path and the problem of a bad role", () => {
    const body = {
      ...base,
      messages: [...base.messages, { role: "robot", content: "beep" }],
    };
    const res = parseWith(ChatCompletionRequest, body, "chat request");
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.message).toMatch(/^invalid chat request: messages\[2\]\.role: /);
      expect(res.message).toMatch(/expected one of/);
      expect(res.message).toContain('"assistant"');
    }
  });

  it("rejects a missing model, an empty message list and a bad program_id, all in one message", () => {
    const res = ChatCompletionRequest.safeParse({ messages: [], program_id: { x: 1 } });
    expect(res.success).toBe(false);
    const err = new ProtocolValidationError("chat request", res.error!.issues);
    expect(err.message).toContain("model:");
    expect(err.message).toContain("messages: messages must hold at least one message");
    expect(err.message).toContain("program_id:");
  });

  it("accepts string and numeric program ids at both places", () => {
    expect(ChatCompletionRequest.safeParse({ ...base, program_id: 7 }).success).toBe(true);
    expect(
      ChatCompletionRequest.safeParse({
        ...base,
        extra_body: { program_id: "p-1", docker_ids: ["c1"] },
      }).success,
    ).toBe(true);
    expect(ChatCompletionRequest.safeParse({ ...base, program_id: "" }).success).toBe(false);
    expect(ChatCompletionRequest.safeParse({ ...base, docker_ids: [1] }).success).toBe(false);
  });
});

describe("resolveRouting", () => {
  it("prefers the top-level program_id", () => {
    expect(
      resolveRouting({ program_id: "top", extra_body: { program_id: "nested" } }).programId,
    ).toBe("top");
  });
  it("falls back to extra_body.program_id", () => {
    expect(resolveRouting({ extra_body: { program_id: "nested" } }).programId).toBe("nested");
  });
  it("turns numbers into strings", () => {
    expect(resolveRouting({ program_id: 42 }).programId).toBe("42");
  });
  it('means program "default" when no id is given', () => {
    expect(resolveRouting({}).programId).toBe(DEFAULT_PROGRAM_ID);
    expect(DEFAULT_PROGRAM_ID).toBe("default");
  });
  it("merges docker_ids from both places without duplicates", () => {
    const r = resolveRouting({ docker_ids: ["a", "b"], extra_body: { docker_ids: ["b", "c"] } });
    expect(r.dockerIds).toEqual(["a", "b", "c"]);
  });
});

describe("stripRouterFields", () => {
  it("removes router-only fields at the top level and in extra_body, keeping the rest", () => {
    const body = {
      ...base,
      program_id: "p",
      docker_ids: ["x"],
      temperature: 0,
      extra_body: { program_id: "p", docker_ids: ["x"], top_k: 5 },
    };
    const out = stripRouterFields(body);
    expect(out).toEqual({ ...base, temperature: 0, extra_body: { top_k: 5 } });
    // the input is not mutated
    expect(body.program_id).toBe("p");
    expect(body.extra_body.program_id).toBe("p");
  });

  it("drops an extra_body that only held router fields", () => {
    const out = stripRouterFields({ ...base, extra_body: { program_id: "p" } });
    expect("extra_body" in out).toBe(false);
    expect(JSON.stringify(out)).toBe(JSON.stringify(base));
  });
});
