// The proxy is driven in memory (app.inject); the backend is real, to show nothing reached it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProxy, type ErrorBody, type TestProxy } from "./helpers/harness.js";
import { startTinyUpstream, type TinyUpstream } from "./helpers/tiny-upstream.js";

let upstream: TinyUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = await startTinyUpstream();
  proxy = await buildProxy({ backends: [upstream.url], bodyLimit: "4kb" });
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await proxy.app.inject({
    method: "POST",
    url: path,
    payload: body,
    headers: { "content-type": "application/json", ...headers },
  });
  return { status: res.statusCode, json: res.json<ErrorBody>() };
}

async function get(path: string) {
  const res = await proxy.app.inject({ method: "GET", url: path });
  return { status: res.statusCode, json: res.json<ErrorBody>() };
}

describe("bad input gets its status and reason in the OpenAI envelope", () => {
  it("malformed JSON → 400", async () => {
    const r = await post("/v1/chat/completions", '{"model": "m", ');
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("invalid_json");
    expect(r.json.error.type).toBe("BadRequestError");
    expect(r.json.error.message).toMatch(/malformed JSON body/);
  });

  it("non-object body → 400", async () => {
    for (const body of ["[1,2]", '"hi"', "42", "null", ""]) {
      const r = await post("/v1/chat/completions", body);
      expect(r.status).toBe(400);
      expect(r.json.error.message).toMatch(/must be a JSON object/);
    }
  });

  it("body over --body-limit → 413", async () => {
    const big = JSON.stringify({ messages: [{ role: "user", content: "x".repeat(10_000) }] });
    const r = await post("/v1/chat/completions", big);
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe("body_too_large");
    expect(r.json.error.message).toMatch(/too large|limit/i);
  });

  it("program_id that is neither string nor number → 400 naming the field", async () => {
    const r = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "m", messages: [], program_id: { id: 1 } }),
    );
    expect(r.status).toBe(400);
    expect(r.json.error.param).toBe("program_id");
    expect(r.json.error.message).toMatch(/program_id must be a non-empty string or a number/);
    const nested = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "m", messages: [], extra_body: { program_id: false } }),
    );
    expect(nested.status).toBe(400);
    expect(nested.json.error.param).toBe("extra_body.program_id");
  });

  it("release without program_id → 400; unknown route → 404", async () => {
    const r = await post("/programs/release", "{}");
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/program_id/);
    const nf = await get("/nope");
    expect(nf.status).toBe(404);
    expect(nf.json.error.code).toBe("not_found");
  });

  it("profiles while profiling is off → 400", async () => {
    const r = await get("/profiles");
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/--profile/);
  });

  it("nothing bad reached the backend", () => {
    expect(upstream.received).toEqual([]);
  });
});
