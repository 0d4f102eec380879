/**
 * Bounded admission and hostile input: program ids longer than 256 characters, more programs than
 * --max-programs, more waiting requests than --max-waiting, JSON nested past --max-json-depth,
 * odd Content-Types, a slow client (--client-timeout), "__proto__" as a program id, no body text or
 * query secret in the logs, and /programs with 100,000 programs without a long event-loop stall.
 */
import { connect } from "node:net";
import { Writable } from "node:stream";
import pino from "pino";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { PROGRAM_ID_MAX_LENGTH } from "@thunderagent/protocol";
import { startFaultUpstream, type FaultUpstream } from "./helpers/fault-upstream.js";
import { startProxy, type ErrorBody, type RunningProxy } from "./helpers/harness.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function setup(
  extra: Record<string, unknown> = {},
  logger?: pino.Logger,
): Promise<{ up: FaultUpstream; p: RunningProxy }> {
  const up = await startFaultUpstream();
  closers.push(() => up.close());
  const p = await startProxy({ backends: [up.url], ...extra }, logger ? { logger } : {});
  closers.push(() => p.close());
  return { up, p };
}

function chat(p: RunningProxy, body: unknown, headers: Record<string, string> = {}) {
  return request(`${p.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
const msg = (programId: string) => ({
  model: "m",
  program_id: programId,
  messages: [{ role: "user", content: "hi" }],
});

describe("admission bounds", () => {
  it("a program id over 256 characters is a 400 naming its source, body or header", async () => {
    const { p, up } = await setup();
    const long = "x".repeat(PROGRAM_ID_MAX_LENGTH + 1);
    const body = await chat(p, msg(long));
    expect(body.statusCode).toBe(400);
    expect(((await body.body.json()) as ErrorBody).error).toMatchObject({
      code: "invalid_program_id",
      param: "program_id",
      message: expect.stringMatching(/at most 256 characters/),
    });
    const header = await chat(p, { model: "m", messages: [] }, { "x-session-id": long });
    expect(header.statusCode).toBe(400);
    await header.body.json();
    const ok = await chat(p, msg("y".repeat(PROGRAM_ID_MAX_LENGTH)));
    expect(ok.statusCode).toBe(200);
    await ok.body.json();
    expect(up.hits).toBe(1);
  });

  it("--max-programs: a new program over the bound gets 503 + Retry-After, known ones go on", async () => {
    const { p } = await setup({ maxPrograms: 2 });
    for (const id of ["a", "b"])
      expect((await (await chat(p, msg(id))).body.json()) as object).toBeTruthy();
    const third = await chat(p, msg("c"));
    expect(third.statusCode).toBe(503);
    expect(third.headers["retry-after"]).toBe("5");
    expect(((await third.body.json()) as ErrorBody).error.code).toBe("overloaded");
    const again = await chat(p, msg("a"));
    expect(again.statusCode).toBe(200);
    await again.body.json();
  });

  it("--max-waiting: a request that would wait beyond the bound gets 503 at once", async () => {
    const up = await startFaultUpstream();
    closers.push(() => up.close());
    up.gpuBlocks = 1; // nothing fits: every new program waits
    const p = await startProxy({ backends: [up.url], maxWaiting: 1 });
    closers.push(() => p.close());
    const first = chat(p, msg("w1"));
    await new Promise((r) => setTimeout(r, 200));
    const second = await chat(p, msg("w2"));
    expect(second.statusCode).toBe(503);
    expect(second.headers["retry-after"]).toBe("5");
    expect(((await second.body.json()) as ErrorBody).error.message).toMatch(/--max-waiting 1/);
    expect(p.ctx.router.stats().pendingRequests).toBe(1);
    await p.close(); // the first one gets its shutdown 503
    expect((await first).statusCode).toBe(503);
  });
});

describe("hostile bodies", () => {
  it("JSON nested past --max-json-depth is a 400 naming the limit, not a 500", async () => {
    const { p, up } = await setup();
    const deep = `{"model":"m","messages":[],"x":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const res = await chat(p, deep);
    expect(res.statusCode).toBe(400);
    expect(((await res.body.json()) as ErrorBody).error).toMatchObject({
      code: "json_too_deep",
      message: expect.stringMatching(/deeper than 128 levels/),
    });
    const fine = `{"model":"m","messages":[],"x":${"[".repeat(100)}${"]".repeat(100)}}`;
    const ok = await chat(p, fine);
    expect(ok.statusCode).toBe(200);
    await ok.body.json();
    expect(up.hits).toBe(1);
  });

  it("an empty Content-Type or `application/json, text/plain` is read as JSON", async () => {
    const { p } = await setup();
    for (const type of ["", "application/json, text/plain", "garbage"]) {
      const res = await chat(p, msg("ct"), { "content-type": type });
      expect(res.statusCode, type).toBe(200);
      await res.body.json();
    }
  });

  it('"__proto__" is a program like any other in /programs', async () => {
    const { p } = await setup();
    await (await chat(p, msg("__proto__"))).body.json();
    const text = await (await request(`${p.url}/programs`)).body.text();
    expect(text).toMatch(/^\{"__proto__":\{/);
    const health = (await (await request(`${p.url}/health`)).body.json()) as {
      programs_count: number;
    };
    expect(health.programs_count).toBe(1);
  });

  it("logs at debug carry neither body text nor a query-string key", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const { p } = await setup({ apiKey: "k" }, pino({ level: "trace" }, sink));
    const bad = await chat(p, '{"model":"m","messages":[{"content":"SECRET-PROMPT"}]', {
      authorization: "Bearer k",
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(await bad.body.json())).not.toContain("SECRET");
    const q = await request(`${p.url}/programs?api_key=sk-LEAK-123`, {
      headers: { authorization: "Bearer k" },
    });
    await q.body.text();
    await new Promise((r) => setTimeout(r, 50));
    const log = lines.join("");
    expect(log).toContain("request done");
    expect(log).not.toContain("SECRET");
    expect(log).not.toContain("sk-LEAK");
  });

  it("a client that never finishes its body is cut off after --client-timeout", async () => {
    const { p } = await setup({ clientTimeout: 1 });
    const { port } = new URL(p.url);
    const socket = connect(Number(port), "127.0.0.1");
    let answer = "";
    socket.on("data", (d: Buffer) => (answer += d.toString()));
    const closed = new Promise<number>((resolve) => {
      const t0 = Date.now();
      socket.on("close", () => resolve(Date.now() - t0));
    });
    socket.write(
      "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    const ms = await closed;
    expect(ms).toBeLessThan(3500);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe("/programs with 100,000 programs", () => {
  it("answers the whole map without stalling the event loop for long", async () => {
    const { p } = await setup();
    const r = p.ctx.router;
    const usage = { promptTokens: 10, completionTokens: 1, totalTokens: 11, cachedTokens: null };
    for (let i = 0; i < 100_000; i++) {
      r.arrive({ requestId: `r${i}`, programId: `program-${i}`, payloadChars: 40 }, 1);
      r.complete(`r${i}`, usage, 1);
    }
    let last = performance.now();
    let worst = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 5);
    const t0 = performance.now();
    const res = await request(`${p.url}/programs`);
    const text = await res.body.text();
    const total = performance.now() - t0;
    clearInterval(timer);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(parsed)).toHaveLength(100_000);
    expect(parsed["program-99999"]).toMatchObject({ step_count: 1, status: "acting" });
    // One batch of 1,000 entries per turn; the whole body took `total` ms.
    expect(worst).toBeLessThan(Math.max(150, total / 3));
  });
});
