// Program identity and the in-band close signal end to end: the proxy (in memory, app.inject) in
// front of a real engine-sim. Each source of the identity table lands the request in its program,
// the envelopes never reach the engine, and a request carrying a close signal frees its program
// when its response ends, answered or refused.
import type { ProgramsResponse } from "@thunderagent/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastRequests, MODEL, startEngine, type Engine } from "./helpers/engines.js";
import { buildProxy, type ErrorBody, type TestProxy } from "./helpers/harness.js";

let engine: Engine;
let proxy: TestProxy;

beforeAll(async () => {
  engine = await startEngine();
  proxy = await buildProxy({ backends: [engine.url], router: "tr" });
});
afterAll(async () => {
  await proxy?.close();
  await engine?.close();
});

const messages = [{ role: "user", content: "hello" }];

function chat(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return proxy.app.inject({
    method: "POST",
    url: "/v1/chat/completions",
    payload: { model: MODEL, max_tokens: 4, messages, ...body },
    headers,
  });
}

async function programs(): Promise<ProgramsResponse> {
  return (await proxy.app.inject({ method: "GET", url: "/programs" })).json<ProgramsResponse>();
}

describe("identity sources", () => {
  it("X-Session-ID (any case) names the program when the body names none", async () => {
    const res = await chat({}, { "X-Session-ID": "sess-1" });
    expect(res.statusCode).toBe(200);
    const p = await programs();
    expect(p["sess-1"]?.step_count).toBe(1);
    expect(p["default"]).toBeUndefined();
    // The body wins over the header.
    expect((await chat({ program_id: "body-1" }, { "x-session-id": "sess-1" })).statusCode).toBe(
      200,
    );
    expect((await programs())["body-1"]?.step_count).toBe(1);
    expect((await programs())["sess-1"]?.step_count).toBe(1);
  });

  it.each([
    [
      "vllm_xargs.agentic_context.program_id",
      { vllm_xargs: { agentic_context: { program_id: "vx-1", session_id: "no" }, top_k_boost: 2 } },
      {},
      "vx-1",
    ],
    [
      "vllm_xargs.agentic_context.session_id",
      { vllm_xargs: { agentic_context: { session_id: "vx-s" } } },
      {},
      "vx-s",
    ],
    [
      "nvext.agent_context.trajectory_id",
      { nvext: { agent_context: { trajectory_id: "dyn-1" }, ignore_eos: false } },
      { "x-session-id": "hdr" },
      "dyn-1",
    ],
    ["header x-claude-code-session-id", {}, { "X-Claude-Code-Session-Id": "cc-1" }, "cc-1"],
  ] as const)("%s lands in its program and is stripped", async (_name, body, headers, id) => {
    const before = (await lastRequests(engine)).length;
    const res = await chat({ stream: true, ...body }, headers);
    expect(res.statusCode).toBe(200);
    expect((await programs())[id]?.step_count).toBe(1);
    const sent = (await lastRequests(engine)).slice(before);
    expect(sent).toHaveLength(1);
    const text = JSON.stringify(sent[0]?.body);
    expect(text).not.toMatch(/agentic_context|agent_context|program_id|session_id|trajectory/);
    // Other keys of the envelopes' parents go through.
    if ("vllm_xargs" in body && "top_k_boost" in body.vllm_xargs) {
      expect(sent[0]?.body["vllm_xargs"]).toEqual({ top_k_boost: 2 });
    }
    if ("nvext" in body) expect(sent[0]?.body["nvext"]).toEqual({ ignore_eos: false });
  });

  it("a source of the wrong type is a 400 naming it", async () => {
    const res = await chat({ nvext: { agent_context: { trajectory_id: ["x"] } } });
    expect(res.statusCode).toBe(400);
    const err = res.json<ErrorBody>().error;
    expect(err.param).toBe("nvext.agent_context.trajectory_id");
    expect(err.message).toMatch(/must be a non-empty string or a number, got an array/);
  });
});

describe("in-band close signal", () => {
  it.each([
    ["x-session-final header", false, {}, { "x-session-final": "true" }],
    [
      "x-dynamo-trajectory-final header, streaming",
      true,
      {},
      { "X-Dynamo-Trajectory-Final": "TRUE" },
    ],
    ["nvext.agent_context.trajectory_final", true, { trajectory_final: true }, {}],
  ] as const)("%s frees the program when the response ends", async (name, stream, ctx, headers) => {
    const id = `close-${name.length}-${String(stream)}`;
    const agent_context = { trajectory_id: id, ...ctx };
    expect(
      (await chat({ stream, nvext: { agent_context: { trajectory_id: id } } })).statusCode,
    ).toBe(200);
    expect((await programs())[id]?.step_count).toBe(1);
    const res = await chat({ stream, nvext: { agent_context } }, headers);
    expect(res.statusCode).toBe(200);
    expect((await programs())[id]).toBeUndefined();
  });

  it("frees the program when the engine refuses the request too", async () => {
    expect((await chat({ program_id: "refused" })).statusCode).toBe(200);
    const res = await chat(
      { program_id: "refused", model: "no-such-model" },
      { "x-session-final": "true" },
    );
    expect(res.statusCode).toBe(404);
    expect((await programs())["refused"]).toBeUndefined();
  });

  it("x-session-final: false keeps the program", async () => {
    const res = await chat({ program_id: "kept" }, { "x-session-final": "false" });
    expect(res.statusCode).toBe(200);
    expect((await programs())["kept"]?.step_count).toBe(1);
  });
});
