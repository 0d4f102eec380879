// thunderAgentPlugin on an app the user owns (under a prefix), in front of a real engine-sim: the
// router's routes answer as the proxy's do, the user's own routes keep their parser and 404.
import Fastify, { type FastifyInstance } from "fastify";
import { HealthResponse, type ProgramsResponse } from "@thunderagent/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeConfig } from "../src/config.js";
import { thunderAgentPlugin } from "../src/index.js";
import { MODEL, startEngine, type Engine } from "./helpers/engines.js";

let engine: Engine;
let app: FastifyInstance;

beforeAll(async () => {
  engine = await startEngine();
  app = Fastify();
  app.post("/mine", async (request) => ({ echo: request.body }));
  await app.register(thunderAgentPlugin, {
    prefix: "/ta",
    config: makeConfig({ backends: [engine.url], router: "tr" }),
    timers: false,
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await engine?.close();
});

describe("thunderAgentPlugin", () => {
  it("serves completions, programs and health under the prefix", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/ta/v1/chat/completions",
      payload: { model: MODEL, max_tokens: 4, messages: [{ role: "user", content: "hi" }] },
      headers: { "x-session-id": "plugged" },
    });
    expect(res.statusCode).toBe(200);
    const programs = (await app.inject({ url: "/ta/programs" })).json<ProgramsResponse>();
    expect(programs["plugged"]?.step_count).toBe(1);
    const health = HealthResponse.parse((await app.inject({ url: "/ta/health" })).json());
    expect(health.backends).toEqual([engine.url]);
    expect(app.thunder).toBeUndefined(); // the router's state stays inside the plugin's context
  });

  it("answers bad input in the route's shape, and weight sync works", async () => {
    const bad = await app.inject({
      method: "POST",
      url: "/ta/v1/messages",
      payload: { model: MODEL, max_tokens: 4, messages: [], metadata: { program_id: {} } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    const begin = await app.inject({ method: "POST", url: "/ta/weight_sync/begin" });
    expect(begin.json()).toMatchObject({ started: true });
    await app.inject({ method: "POST", url: "/ta/weight_sync/end" });
  });

  it("leaves the user's routes, parser and 404 alone", async () => {
    const mine = await app.inject({ method: "POST", url: "/mine", payload: { a: 1 } });
    expect(mine.json()).toEqual({ echo: { a: 1 } });
    // Fastify's own parsers: an unknown content type is refused with 415 outside the plugin.
    const text = await app.inject({
      method: "POST",
      url: "/mine",
      payload: "x",
      headers: { "content-type": "application/x-unknown" },
    });
    expect(text.statusCode).toBe(415);
    const missing = await app.inject({ url: "/nope" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ message: "Route GET:/nope not found" });
  });
});
