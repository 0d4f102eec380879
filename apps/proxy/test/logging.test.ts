import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeConfig } from "../src/config.js";
import { createRouter } from "../src/create-router.js";
import type { RouterPort } from "../src/router-port.js";
import { buildProxy, eventually, type TestProxy } from "./helpers/harness.js";
import { startTinyUpstream, type TinyUpstream } from "./helpers/tiny-upstream.js";

type Line = Record<string, unknown>;

/** A pino logger writing JSON lines into `lines` (nothing reaches the console). */
function captureLogs(): { lines: Line[]; logger: pino.Logger } {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString("utf8").split("\n")) if (l) lines.push(JSON.parse(l) as Line);
      cb();
    },
  });
  return { lines, logger: pino({ level: "trace" }, sink) };
}

/** The real Router, with the request ids it is given recorded (what its state is keyed by). */
function recordingRouter(config: Parameters<typeof makeConfig>[0], arrivals: string[]) {
  const router = createRouter(makeConfig(config));
  return new Proxy(router, {
    get(target, key) {
      if (key === "arrive") {
        return (input: Parameters<RouterPort["arrive"]>[0], now: number) => {
          arrivals.push(input.requestId);
          return target.arrive(input, now);
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? (value as () => unknown).bind(target) : value;
    },
  });
}

const chat = (proxy: TestProxy, body: Record<string, unknown>, headers = {}) =>
  proxy.app.inject({
    method: "POST",
    url: "/v1/chat/completions",
    headers,
    payload: JSON.stringify({
      model: "tiny",
      messages: [{ role: "user", content: "hi" }],
      ...body,
    }),
  });

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe("logging", () => {
  let upstream: TinyUpstream;
  let proxy: TestProxy;
  const { lines, logger } = captureLogs();
  beforeAll(async () => {
    upstream = await startTinyUpstream();
    proxy = await buildProxy({ backends: [upstream.url], router: "default" }, { logger });
  });
  afterAll(async () => {
    await proxy.close();
    await upstream.close();
  });

  it("logs each request with its id at debug, never the prompt or completion text", async () => {
    const secret = "PROMPT-TEXT-MUST-NOT-BE-LOGGED";
    for (const stream of [false, true]) {
      const res = await chat(
        proxy,
        { stream, program_id: "logged", messages: [{ role: "user", content: secret }] },
        { "x-request-id": `rq-${stream}`, authorization: "Bearer client-key" },
      );
      expect(res.statusCode).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 50));
    const text = JSON.stringify(lines);
    expect(text).not.toContain(secret);
    expect(text).not.toContain("client-key");
    // The tiny upstream's completion text is "a" then "b" inside delta objects.
    expect(text).not.toContain('"delta"');
    const done = lines.filter((l) => l["msg"] === "request done");
    expect(done.map((l) => l["reqId"])).toEqual(expect.arrayContaining(["rq-false", "rq-true"]));
    expect(done.every((l) => l["level"] === 20)).toBe(true);
  });
});

describe("the request's id joins its log lines to the Router's state", () => {
  it("is the Router's request id, and every line about the request carries it and the program", async () => {
    const upstream = await startTinyUpstream();
    closers.push(() => upstream.close());
    const { lines, logger } = captureLogs();
    const arrivals: string[] = [];
    const config = { backends: [upstream.url], router: "default" as const };
    const proxy = await buildProxy(config, { logger, router: recordingRouter(config, arrivals) });
    closers.push(() => proxy.close());

    const given = await chat(proxy, { program_id: "p-join" }, { "x-request-id": "join-1" });
    expect(given.statusCode).toBe(200);
    const generated = await chat(proxy, { program_id: "p-join", stream: true });
    expect(generated.statusCode).toBe(200);

    expect(arrivals).toHaveLength(2);
    expect(arrivals[0]).toBe("join-1");
    for (const id of arrivals) {
      const mine = lines.filter((l) => l["reqId"] === id);
      expect(mine.find((l) => l["msg"] === "forwarded")).toMatchObject({
        programId: "p-join",
        backend: upstream.url,
      });
      expect(mine.find((l) => l["msg"] === "request done")).toMatchObject({ programId: "p-join" });
    }
  });

  it("keeps two requests in flight with the same x-request-id apart in the Router", async () => {
    // 1 block of 16 tokens: no program fits, so both requests wait in tr mode until released.
    const upstream = await startTinyUpstream("ok", 1);
    closers.push(() => upstream.close());
    const { lines, logger } = captureLogs();
    const arrivals: string[] = [];
    const config = { backends: [upstream.url], router: "tr" as const };
    const proxy = await buildProxy(config, { logger, router: recordingRouter(config, arrivals) });
    closers.push(() => proxy.close());

    const headers = { "x-request-id": "same" };
    const both = [chat(proxy, { program_id: "twice" }, headers), chat(proxy, {}, headers)];
    await eventually(() => proxy.ctx.waiters.size === 2, "both requests to wait");
    expect(arrivals).toEqual(["same", "same~1"]);
    for (const program_id of ["twice", "default"]) {
      const rel = await proxy.app.inject({
        method: "POST",
        url: "/programs/release",
        payload: { program_id },
      });
      expect(rel.statusCode).toBe(200);
    }
    expect((await Promise.all(both)).map((r) => r.statusCode)).toEqual([200, 200]);
    const forwarded = lines.filter((l) => l["msg"] === "forwarded");
    const ids = forwarded.map((l) => [l["reqId"], l["routerRequestId"]]);
    expect(ids).toHaveLength(2);
    expect(ids).toEqual(
      expect.arrayContaining([
        ["same", undefined],
        ["same", "same~1"],
      ]),
    );
  });
});
