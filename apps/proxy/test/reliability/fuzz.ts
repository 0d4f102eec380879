/**
 * The fuzz run: `cases` requests from {@link fuzzCase} (and one raw-socket case in 50) against a
 * real proxy on loopback in front of engine-sim, `concurrency` at a time. A 5xx counts as
 * unexpected unless it is one the proxy documents (502 unreachable, 503 no healthy backend /
 * overloaded / shutting down, 504 timed out); a request without a complete answer within 5 s is a
 * hang; at the end the proxy must hold no request in flight or waiting.
 */
import { connect } from "node:net";
import fc from "fast-check";
import { Pool } from "undici";
import { startEngine } from "../helpers/engines.js";
import { startProxy } from "../helpers/harness.js";
import { fuzzCase, type FuzzCase } from "./fuzz-cases.js";

const DOCUMENTED = new Set([
  "upstream_unreachable",
  "upstream_timeout",
  "no_healthy_backend",
  "overloaded",
  "shutting_down",
]);
const DOCUMENTED_MESSAGE = /no healthy backend|unreachable|timed out|too many|shutting down/;
const HANG_MS = 5000;

export interface FuzzReport {
  cases: number;
  rawCases: number;
  seed: number;
  durationS: number;
  byStatus: Record<string, number>;
  unexpected5xx: number;
  hangs: number;
  /** Requests the client library refused to send or that lost their socket (not proxy answers). */
  clientErrors: number;
  consistent: boolean;
  samples: string[];
}

function documented5xx(status: number, text: string): boolean {
  if (![502, 503, 504].includes(status)) return false;
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = body.error?.code;
    if (typeof code === "string" && DOCUMENTED.has(code)) return true;
    return typeof body.error?.message === "string" && DOCUMENTED_MESSAGE.test(body.error.message);
  } catch {
    return false;
  }
}

function rawCase(seed: number): Uint8Array {
  const [bytes] = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), { numRuns: 1, seed });
  const prefix = seed % 2 === 0 ? "POST /v1/chat/completions HTTP/1.1\r\n" : "";
  return Buffer.concat([Buffer.from(prefix), Buffer.from(bytes!)]);
}

/** Sends raw bytes; resolves with the status line's code (0 when closed without one) or -1 on a hang. */
function sendRaw(url: string, bytes: Uint8Array): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(port), "127.0.0.1");
    let got = "";
    const t = setTimeout(() => {
      s.destroy();
      resolve(got.startsWith("HTTP/") ? Number(got.slice(9, 12)) : -1);
    }, HANG_MS);
    s.on("data", (d: Buffer) => {
      got += d.toString("latin1");
      if (got.length >= 12) {
        clearTimeout(t);
        s.destroy();
        resolve(Number(got.slice(9, 12)));
      }
    });
    s.on("error", () => {});
    s.on("close", () => {
      clearTimeout(t);
      resolve(got.startsWith("HTTP/") ? Number(got.slice(9, 12)) : 0);
    });
    s.end(bytes);
  });
}

export async function runFuzz(opts: {
  cases: number;
  seed?: number;
  concurrency?: number;
}): Promise<FuzzReport> {
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const engine = await startEngine({ kvTokens: 1_000_000 });
  // tr mode with its timers, as deployed; fuzzed programs are never released, so an acting lease
  // (README "Never-released programs") keeps them from filling the capacity for good.
  const proxy = await startProxy(
    {
      backends: [engine.url],
      bodyLimit: 65_536,
      schedulerInterval: 0.5,
      healthInterval: 1,
      actingLease: 1,
    },
    { timers: true },
  );
  const pool = new Pool(proxy.url, { connections: opts.concurrency ?? 8 });
  const report: FuzzReport = {
    cases: 0,
    rawCases: 0,
    seed,
    durationS: 0,
    byStatus: {},
    unexpected5xx: 0,
    hangs: 0,
    clientErrors: 0,
    consistent: false,
    samples: [],
  };
  const count = (status: number) => {
    report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
  };
  const cases = fc.sample(fuzzCase, { numRuns: opts.cases, seed });
  const t0 = performance.now();
  let next = 0;
  const one = async (c: FuzzCase, i: number) => {
    if (i % 50 === 49) {
      report.rawCases++;
      const status = await sendRaw(proxy.url, rawCase(seed + i));
      if (status === -1) report.hangs++;
      else count(status);
      return;
    }
    try {
      const res = await pool.request({
        method: c.method as "POST",
        path: c.path,
        headers: c.headers,
        body: c.body,
        headersTimeout: HANG_MS,
        bodyTimeout: HANG_MS,
      });
      const text = await res.body.text();
      count(res.statusCode);
      if (res.statusCode >= 500 && !documented5xx(res.statusCode, text)) {
        report.unexpected5xx++;
        if (report.samples.length < 5) {
          report.samples.push(`${c.method} ${c.path} → ${res.statusCode} ${text.slice(0, 200)}`);
        }
      }
    } catch (err) {
      const code = (err as { code?: string }).code ?? "";
      const what = `${c.method} ${c.path} ${JSON.stringify(c.headers).slice(0, 150)} ${String(c.body).slice(0, 150)}`;
      if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
        report.hangs++;
        if (report.samples.length < 5) report.samples.push(`hang: ${what}`);
      } else report.clientErrors++;
    }
  };
  const workers = Array.from({ length: opts.concurrency ?? 8 }, async () => {
    while (next < cases.length) {
      const i = next++;
      await one(cases[i]!, i);
      report.cases++;
    }
  });
  await Promise.all(workers);
  report.durationS = (performance.now() - t0) / 1000;
  const deadline = Date.now() + 5000;
  while (proxy.ctx.counters.inflight > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const stats = proxy.ctx.router.stats();
  report.consistent =
    proxy.ctx.counters.inflight === 0 &&
    proxy.ctx.waiters.size === 0 &&
    stats.inFlightRequests === 0 &&
    stats.pendingRequests === 0;
  await pool.close();
  await proxy.close();
  await engine.close();
  return report;
}
