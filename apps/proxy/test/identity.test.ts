import { describe, expect, it } from "vitest";
import { ProxyError } from "../src/errors.js";
import { resolveIdentity, sourceName, sourcesInOrder } from "../src/identity/index.js";

const messages = [{ role: "user", content: "hi" }];

function reject(body: unknown, headers = {}): ProxyError {
  try {
    resolveIdentity(body, headers);
  } catch (err) {
    expect(err).toBeInstanceOf(ProxyError);
    return err as ProxyError;
  }
  throw new Error("expected a rejection");
}

describe("resolveIdentity: the order of the sources", () => {
  it("lists the sources in the documented order", () => {
    expect(sourcesInOrder().map(sourceName)).toEqual([
      "program_id",
      "extra_body.program_id",
      "vllm_xargs.agentic_context.program_id",
      "vllm_xargs.agentic_context.session_id",
      "nvext.agent_context.trajectory_id",
      "header x-session-id",
      "header x-claude-code-session-id",
    ]);
  });

  it("takes the first present source, each one winning over everything after it", () => {
    const all = {
      body: {
        messages,
        program_id: "a",
        extra_body: { program_id: "b" },
        vllm_xargs: { agentic_context: { program_id: "c", session_id: "d" } },
        nvext: { agent_context: { trajectory_id: "e" } },
      },
      headers: { "x-session-id": "f", "x-claude-code-session-id": "g" } as Record<string, string>,
    };
    const expected = ["a", "b", "c", "d", "e", "f", "g", "default"];
    const drops: Array<() => void> = [
      () => delete (all.body as Record<string, unknown>).program_id,
      () => delete (all.body as Record<string, unknown>).extra_body,
      () => delete (all.body.vllm_xargs.agentic_context as Record<string, unknown>).program_id,
      () => delete (all.body as Record<string, unknown>).vllm_xargs,
      () => delete (all.body as Record<string, unknown>).nvext,
      () => delete all.headers["x-session-id"],
      () => delete all.headers["x-claude-code-session-id"],
    ];
    for (let i = 0; i < expected.length; i++) {
      const id = resolveIdentity(structuredClone(all.body), { ...all.headers });
      expect(id.programId).toBe(expected[i]);
      drops[i]?.();
    }
  });

  it("reads headers case-insensitively, the first of a repeated one, ignoring empty values", () => {
    expect(resolveIdentity({ messages }, { "X-Session-ID": "s1" }).programId).toBe("s1");
    expect(resolveIdentity({ messages }, { "x-session-id": ["s2", "s3"] }).source).toBe(
      "header x-session-id",
    );
    expect(resolveIdentity({ messages }, { "x-session-id": "  " }).programId).toBe("default");
    expect(resolveIdentity({ messages }, { "X-Claude-Code-Session-Id": " cc " }).programId).toBe(
      "cc",
    );
  });

  it("tries route-specific body fields after the generic ones, before the envelopes", () => {
    const body = {
      metadata: { program_id: "m", user_id: "u" },
      nvext: { agent_context: { trajectory_id: "t" } },
    };
    const opts = { extraBodyPaths: [["metadata", "program_id"]] };
    const id = resolveIdentity(body, {}, opts);
    expect(id.programId).toBe("m");
    expect(id.source).toBe("metadata.program_id");
    expect(id.body).toEqual({ metadata: { user_id: "u" } });
    expect(resolveIdentity({ ...body, program_id: 1 }, {}, opts).programId).toBe("1");
    const kept = resolveIdentity(body, {}, { ...opts, stripExtra: false });
    expect(kept.body).toEqual({ metadata: { program_id: "m", user_id: "u" } });
    expect(resolveIdentity(body).programId).toBe("t");
  });
});

describe("resolveIdentity: the body that goes upstream", () => {
  it("strips router fields and envelopes, keeps every other key, never mutates the input", () => {
    const body = {
      messages,
      program_id: "p",
      docker_ids: ["c1"],
      extra_body: { program_id: "x", docker_ids: ["c2", "c1", ""], top_k: 3 },
      vllm_xargs: { agentic_context: { program_id: "v" }, priority_boost: 2 },
      nvext: { agent_context: { trajectory_id: "t", trajectory_final: true }, greed_sampling: 1 },
    };
    const before = structuredClone(body);
    const id = resolveIdentity(body);
    expect(id.dockerIds).toEqual(["c1", "c2"]);
    expect(id.closeOnEnd).toBe(true);
    expect(id.body).toEqual({
      messages,
      extra_body: { top_k: 3 },
      vllm_xargs: { priority_boost: 2 },
      nvext: { greed_sampling: 1 },
    });
    expect(body).toEqual(before);
    const only = resolveIdentity({
      messages,
      vllm_xargs: { agentic_context: { session_id: "s" } },
      nvext: { agent_context: { trajectory_id: "t" } },
    });
    expect(only.programId).toBe("s");
    expect(only.body).toEqual({ messages });
  });
});

describe("resolveIdentity: the close signal", () => {
  it("comes from either header (any case of name and value) or Dynamo's body flag", () => {
    expect(resolveIdentity({ messages }).closeOnEnd).toBe(false);
    expect(resolveIdentity({ messages }, { "X-Session-Final": "TRUE" }).closeOnEnd).toBe(true);
    expect(resolveIdentity({ messages }, { "x-dynamo-trajectory-final": "true" }).closeOnEnd).toBe(
      true,
    );
    expect(resolveIdentity({ messages }, { "x-session-final": "false" }).closeOnEnd).toBe(false);
    const flag = (v: unknown) => ({ messages, nvext: { agent_context: { trajectory_final: v } } });
    expect(resolveIdentity(flag(true)).closeOnEnd).toBe(true);
    expect(resolveIdentity(flag(false)).closeOnEnd).toBe(false);
    expect(reject(flag("yes")).param).toBe("nvext.agent_context.trajectory_final");
  });
});

describe("resolveIdentity: bad input is a 400 naming the field", () => {
  it("rejects a non-object body and ids of the wrong type wherever they sit", () => {
    expect(reject([1]).message).toMatch(/JSON object, got an array/);
    expect(reject(undefined).message).toMatch(/got an empty body/);
    const cases: Array<[unknown, string]> = [
      [{ program_id: "" }, "program_id"],
      [{ program_id: "ok", extra_body: { program_id: {} } }, "extra_body.program_id"],
      [
        { vllm_xargs: { agentic_context: { program_id: true } } },
        "vllm_xargs.agentic_context.program_id",
      ],
      [
        { vllm_xargs: { agentic_context: { session_id: [] } } },
        "vllm_xargs.agentic_context.session_id",
      ],
      [{ nvext: { agent_context: { trajectory_id: null } } }, "nvext.agent_context.trajectory_id"],
    ];
    for (const [body, param] of cases) {
      const err = reject(body);
      expect(err.statusCode).toBe(400);
      expect(err.code).toBe("invalid_program_id");
      expect(err.param).toBe(param);
      expect(err.message).toMatch(
        new RegExp(`^${param.replaceAll(".", "\\.")} must be a non-empty string or a number`),
      );
    }
    expect(reject({ vllm_xargs: { agentic_context: "p" } }).message).toBe(
      "vllm_xargs.agentic_context must be an object",
    );
    expect(reject({ nvext: 5 }).param).toBe("nvext");
    expect(reject({ docker_ids: "abc" }).message).toMatch(
      /^docker_ids must be an array of container ids or names/,
    );
  });
});
