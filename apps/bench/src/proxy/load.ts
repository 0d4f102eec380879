/**
 * Load generation: autocannon for throughput, with every response time kept at full resolution
 * (autocannon's own latency histogram has 1 ms resolution, too coarse for a 1 ms budget), and an
 * undici loop for streams' time to first byte.
 * @module
 */
import { createRequire } from "node:module";
import { Agent, request } from "undici";
import { CHAT_PATH } from "./routes.js";

interface AutocannonResult {
  requests: { average: number; total: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
}
interface AutocannonClient {
  setBody(body: string): void;
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(
    event: "response",
    fn: (client: AutocannonClient, status: number, bytes: number, ms: number) => void,
  ): void;
}
type Autocannon = (opts: Record<string, unknown>) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

export interface LoadResult {
  rps: number;
  total: number;
  errors: number;
  /** Response times of 2xx answers, ms, sorted. */
  latencies: Float64Array;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** One autocannon run; `bodyFor(i)` gives connection i its body (its own program id). */
export async function runLoad(opts: {
  url: string;
  /** The route (default chat completions). */
  path?: string;
  connections: number;
  durationS: number;
  bodyFor: (connection: number) => string;
}): Promise<LoadResult> {
  let next = 0;
  const latencies: number[] = [];
  const instance = autocannon({
    url: `${opts.url}${opts.path ?? CHAT_PATH}`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: opts.bodyFor(0),
    connections: opts.connections,
    duration: opts.durationS,
    pipelining: 1,
    setupClient: (client: AutocannonClient) => client.setBody(opts.bodyFor(next++)),
  });
  instance.on("response", (_c, status, _b, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const r = await instance;
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: r["2xx"] / r.duration,
    total: r["2xx"],
    errors: r.errors + r.timeouts + r.non2xx,
    latencies: sorted,
  };
}

export interface TtfbResult {
  /** Time to the first body byte, ms, sorted. */
  ttfb: Float64Array;
  errors: number;
}

/** `concurrency` workers stream requests back to back for `durationS`, timing the first byte. */
export async function measureTtfb(opts: {
  url: string;
  path?: string;
  concurrency: number;
  durationS: number;
  bodyFor: (worker: number) => string;
}): Promise<TtfbResult> {
  const agent = new Agent({ connections: opts.concurrency, pipelining: 1 });
  const times: number[] = [];
  let errors = 0;
  const end = performance.now() + opts.durationS * 1000;
  const worker = async (w: number) => {
    const body = opts.bodyFor(w);
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const res = await request(`${opts.url}${opts.path ?? CHAT_PATH}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          dispatcher: agent,
        });
        let first = true;
        for await (const _chunk of res.body) {
          if (first) {
            times.push(performance.now() - t0);
            first = false;
          }
        }
        if (res.statusCode !== 200) errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, w) => worker(w)));
  await agent.close();
  return { ttfb: Float64Array.from(times).sort(), errors };
}

/** Sends one request per program id (concurrency `c`), to register `n` live programs. */
export async function registerPrograms(opts: {
  url: string;
  path?: string;
  n: number;
  concurrency: number;
  bodyFor: (i: number) => string;
}): Promise<number> {
  // A request that waits this long for capacity counts as failed instead of hanging the bench.
  const agent = new Agent({ connections: opts.concurrency, headersTimeout: 30_000 });
  let i = 0;
  let errors = 0;
  const worker = async () => {
    while (i < opts.n) {
      const id = i++;
      try {
        const res = await request(`${opts.url}${opts.path ?? CHAT_PATH}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: opts.bodyFor(id),
          dispatcher: agent,
        });
        await res.body.dump();
        if (res.statusCode !== 200) errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  await agent.close();
  return errors;
}
