/**
 * The dashboard's HTTP surface on a listening proxy (engine-sim behind it): the page and its
 * assets, the event stream (snapshot, deltas), `--api-key` (page public, stream by header or
 * one-time token, token never logged), the 4xx answers and the stream limit.
 */
import { Writable } from "node:stream";
import pino from "pino";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { loadUi, UI_DIR } from "../../src/dashboard/assets.js";
import { DEFAULT_STREAM_LIMITS } from "../../src/dashboard/stream.js";
import { startEngine } from "../helpers/engines.js";
import { startProxy } from "../helpers/harness.js";
import { buildUiOnce } from "./ui-build.js";

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function proxyWith(config: Parameters<typeof startProxy>[0] = {}, logger?: pino.Logger) {
  await buildUiOnce();
  const engine = await startEngine();
  closers.push(() => engine.close());
  const proxy = await startProxy(
    { backends: [engine.url], router: "tr", ...config },
    logger ? { logger } : {},
  );
  closers.push(() => proxy.close());
  return proxy;
}

/** Reads server-sent events from `url` until `count` arrived, then hangs up. */
async function readEvents(url: string, count: number, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await request(url, { headers, signal: controller.signal });
  if (res.statusCode !== 200) return { status: res.statusCode, body: await res.body.json() };
  const events: Array<{ event: string; data: Record<string, unknown> }> = [];
  let buf = "";
  try {
    for await (const chunk of res.body) {
      buf += (chunk as Buffer).toString("utf8");
      let end;
      while ((end = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
      if (events.length >= count) break;
    }
  } finally {
    controller.abort();
  }
  return { status: 200, headers: res.headers, events };
}

describe("dashboard routes", () => {
  it("serves the page with a <base>, its hashed assets, and a snapshot then deltas", async () => {
    const proxy = await proxyWith();
    const page = await request(`${proxy.url}/dashboard`);
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    const html = await page.body.text();
    expect(html).toContain('<base href="/dashboard/">');
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await request(`${proxy.url}/dashboard/${script}`);
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["content-type"]).toMatch(/javascript/);
    expect(asset.headers["cache-control"]).toContain("immutable");
    await asset.body.dump();
    expect((await request(`${proxy.url}/dashboard/`)).statusCode).toBe(200);

    const stream = await readEvents(`${proxy.url}/dashboard/events`, 3);
    expect(stream.headers?.["content-type"]).toMatch(/text\/event-stream/);
    const [snap, d1, d2] = stream.events!;
    expect(snap!.event).toBe("snapshot");
    expect(snap!.data).toMatchObject({ type: "snapshot", programs: [], intervalS: 0.5 });
    expect((snap!.data["backends"] as unknown[]).length).toBe(1);
    expect(d1!.event).toBe("delta");
    expect(d2!.data["seq"]).toBe((d1!.data["seq"] as number) + 1);
  });

  it("with --api-key: page public, stream by header or one-time token, 4xx otherwise", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const proxy = await proxyWith({ apiKey: "sekret" }, pino({ level: "trace" }, sink));
    const events = `${proxy.url}/dashboard/events`;
    expect((await request(`${proxy.url}/dashboard`)).statusCode).toBe(200);
    expect((await request(`${proxy.url}/programs`)).statusCode).toBe(401);

    const noKey = await readEvents(events, 1);
    expect(noKey.status).toBe(401);
    expect(JSON.stringify(noKey.body)).toMatch(/missing API key/);
    const byHeader = await readEvents(events, 1, { authorization: "Bearer sekret" });
    expect(byHeader.events?.[0]?.event).toBe("snapshot");

    const tokenRes = await request(`${proxy.url}/dashboard/token`, { method: "POST" });
    expect(tokenRes.statusCode).toBe(401);
    await tokenRes.body.dump();
    const issued = await request(`${proxy.url}/dashboard/token`, {
      method: "POST",
      headers: { authorization: "Bearer sekret" },
    });
    const { token, expires_in } = (await issued.body.json()) as {
      token: string;
      expires_in: number;
    };
    expect(expires_in).toBe(30);
    const byToken = await readEvents(`${events}?token=${token}`, 1);
    expect(byToken.events?.[0]?.event).toBe("snapshot");
    const again = await readEvents(`${events}?token=${token}`, 1);
    expect(again.status).toBe(401);
    expect(JSON.stringify(again.body)).toMatch(/invalid or expired dashboard token/);

    const twice = await readEvents(`${events}?token=a&token=b`, 1);
    expect(twice.status).toBe(400);
    expect(JSON.stringify(twice.body)).toMatch(/token must be given once/);
    const long = await readEvents(`${events}?token=${"x".repeat(200)}`, 1);
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body)).toMatch(/at most 128/);

    expect(lines.join("")).not.toContain(token);
    expect(lines.join("")).not.toContain("sekret");
  });

  it("refuses streams past the limit with 503", async () => {
    const proxy = await proxyWith();
    const open: Array<AbortController> = [];
    closers.push(async () => open.forEach((c) => c.abort()));
    for (let i = 0; i < DEFAULT_STREAM_LIMITS.maxClients; i++) {
      const c = new AbortController();
      open.push(c);
      const res = await request(`${proxy.url}/dashboard/events`, { signal: c.signal });
      expect(res.statusCode).toBe(200);
      res.body.on("error", () => {});
    }
    const over = await request(`${proxy.url}/dashboard/events`);
    expect(over.statusCode).toBe(503);
    expect(((await over.body.json()) as { error: { message: string } }).error.message).toMatch(
      /too many dashboard streams open \(16\)/,
    );
  });
});

describe("dashboard without a built page", () => {
  it("has no page to serve (the route answers 503 naming pnpm build)", () => {
    expect(loadUi("", "/nonexistent/ui/")).toBeNull();
    expect(UI_DIR).toMatch(/dist\/ui\/$/);
  });
});
