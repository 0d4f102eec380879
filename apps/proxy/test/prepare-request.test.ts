import { describe, expect, it } from "vitest";
import { prepareChatRequest } from "../src/chat/prepare-request.js";
import { extractUsage } from "../src/chat/usage.js";
import { ProxyError } from "../src/errors.js";

const messages = [{ role: "user", content: "hi" }];

function reject(body: unknown): ProxyError {
  try {
    prepareChatRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(ProxyError);
    return err as ProxyError;
  }
  throw new Error("expected a rejection");
}

describe("prepareChatRequest", () => {
  it("takes program_id from the top level first, strips router fields", () => {
    const p = prepareChatRequest({
      model: "m",
      messages,
      program_id: 7,
      docker_ids: ["a"],
      extra_body: { program_id: "x", docker_ids: ["b", "a"], top_k: 3 },
    });
    expect(p.programId).toBe("7");
    expect(p.dockerIds).toEqual(["a", "b"]);
    expect(JSON.parse(p.upstreamBody)).toEqual({ model: "m", messages, extra_body: { top_k: 3 } });
  });

  it("falls back to extra_body.program_id, then default", () => {
    expect(prepareChatRequest({ messages, extra_body: { program_id: "e" } }).programId).toBe("e");
    expect(prepareChatRequest({ messages }).programId).toBe("default");
    const p = prepareChatRequest({ messages, extra_body: { program_id: "e" } });
    expect(JSON.parse(p.upstreamBody)).toEqual({ messages });
  });

  it("sets include_usage only when streaming, and remembers whether the client asked", () => {
    const plain = prepareChatRequest({ messages, stream: false });
    expect(plain.stream).toBe(false);
    expect(JSON.parse(plain.upstreamBody).stream_options).toBeUndefined();

    const s = prepareChatRequest({ messages, stream: true });
    expect(JSON.parse(s.upstreamBody).stream_options).toEqual({ include_usage: true });
    expect(s.clientWantsUsage).toBe(false);

    const asked = prepareChatRequest({ messages, stream: true, stream_options: {} });
    expect(asked.clientWantsUsage).toBe(true);
    const off = prepareChatRequest({
      messages,
      stream: true,
      stream_options: { include_usage: false, continuous_usage_stats: true },
    });
    expect(off.clientWantsUsage).toBe(false);
    expect(JSON.parse(off.upstreamBody).stream_options).toEqual({
      include_usage: true,
      continuous_usage_stats: true,
    });
  });

  it("rejects non-object bodies and bad router fields with the reason", () => {
    expect(reject([1]).message).toMatch(/JSON object, got an array/);
    expect(reject("x").message).toMatch(/JSON object, got a string/);
    expect(reject(null).message).toMatch(/got null/);
    expect(reject(undefined).message).toMatch(/JSON object/);
    const bad = reject({ messages, program_id: { a: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.param).toBe("program_id");
    expect(bad.message).toMatch(/program_id must be a non-empty string or a number, got an object/);
    expect(reject({ messages, program_id: "" }).message).toMatch(/empty string/);
    expect(reject({ messages, program_id: true }).message).toMatch(/got a boolean/);
    expect(reject({ messages, extra_body: { program_id: [1] } }).param).toBe(
      "extra_body.program_id",
    );
    expect(reject({ messages, extra_body: 3 }).param).toBe("extra_body");
    expect(reject({ messages, docker_ids: "abc" }).param).toBe("docker_ids");
    expect(reject({ messages, extra_body: { docker_ids: [1] } }).param).toBe(
      "extra_body.docker_ids",
    );
    expect(reject({ messages, extra_body: [] }).param).toBe("extra_body");
  });

  it("accepts empty docker ids (the Python original rejects no docker_ids) and leaves them out", () => {
    const p = prepareChatRequest({
      messages,
      docker_ids: [""],
      extra_body: { docker_ids: ["", "c1"] },
    });
    expect(p.dockerIds).toEqual(["c1"]);
    expect(JSON.parse(p.upstreamBody)).toEqual({ messages });
    expect(prepareChatRequest({ messages, extra_body: null }).programId).toBe("default");
  });
});

describe("extractUsage", () => {
  it("reads the usage object without parsing the whole body", () => {
    const body = JSON.stringify({
      choices: [{ message: { content: 'text with "usage": {"x":1} inside' } }],
      usage: {
        prompt_tokens: 3,
        total_tokens: 5,
        completion_tokens: 2,
        prompt_tokens_details: { cached_tokens: 1 },
      },
    });
    expect(extractUsage(body)).toEqual({
      prompt_tokens: 3,
      total_tokens: 5,
      completion_tokens: 2,
      prompt_tokens_details: { cached_tokens: 1 },
    });
    expect(extractUsage('{"usage": null}')).toBeNull();
    expect(extractUsage('{"choices":[]}')).toBeUndefined();
    expect(extractUsage("not json")).toBeUndefined();
  });
});
