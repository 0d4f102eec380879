/**
 * Open-loop load at a constant rate: request i is due at t0 + i / rate, whatever happened to the
 * ones before it, and its latency counts from when it was due (so a stall is not hidden by the
 * generator waiting for it: no coordinated omission). Requests go out over `connections`
 * keep-alive connections; when all are busy, the due ones queue in the client and that wait is
 * part of their latency. This is what "latency below saturation" is measured with: autocannon's
 * `overallRate` releases requests in bursts, which by itself costs milliseconds at any load.
 * @module
 */
import { Pool } from "undici";
import { CHAT_PATH } from "./routes.js";

export interface PacedResult {
  /** 2xx answers per second over the run. */
  rps: number;
  total: number;
  errors: number;
  /** Latencies of 2xx answers from their due time, ms, sorted. */
  latencies: Float64Array;
}

export async function runPaced(opts: {
  url: string;
  /** The route (default chat completions). */
  path?: string;
  connections: number;
  rate: number;
  durationS: number;
  bodyFor: (connection: number) => string;
}): Promise<PacedResult> {
  const pool = new Pool(opts.url, { connections: opts.connections, pipelining: 1 });
  const bodies = Array.from({ length: opts.connections }, (_, i) => opts.bodyFor(i));
  const latencies: number[] = [];
  let errors = 0;
  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now();
  const end = t0 + opts.durationS * 1000;
  const interval = 1000 / opts.rate;
  let next = 0;

  const send = (due: number, body: string): void => {
    const p = pool
      .request({
        method: "POST",
        path: opts.path ?? CHAT_PATH,
        headers: { "content-type": "application/json" },
        body,
      })
      .then(async (res) => {
        await res.body.dump();
        if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(performance.now() - due);
        else errors++;
      })
      .catch(() => {
        errors++;
      });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  while (performance.now() < end) {
    const now = performance.now();
    for (let due = t0 + next * interval; due <= now && due < end; due = t0 + next * interval) {
      send(due, bodies[next % bodies.length]!);
      next++;
    }
    const wait = t0 + next * interval - performance.now();
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(wait, 1))));
  }
  // A stalled loop must not drop what fell due before the end: send it late (its latency still
  // counts from its due time), so a run always issues rate × duration requests.
  for (let due = t0 + next * interval; due < end; due = t0 + next * interval) {
    send(due, bodies[next % bodies.length]!);
    next++;
  }
  await Promise.all(inFlight);
  await pool.close();
  return {
    rps: latencies.length / opts.durationS,
    total: latencies.length,
    errors,
    latencies: Float64Array.from(latencies).sort(),
  };
}
