/**
 * The measurements of `pnpm bench:proxy`, one function each: a target under closed-loop load,
 * the best of `--repeat` runs per target, the paced (open-loop) medians, time to first byte, and
 * the proxy's RSS with many live programs.
 * @module
 */
import { request } from "undici";
import { measureTtfb, percentile, registerPrograms, runLoad } from "./load.js";
import type { BenchProxyOptions } from "./options.js";
import { cpuMicros, rssMiB, startTs, type Child } from "./processes.js";
import { medianMeasure } from "./median-measure.js";
import type { Measure, ReportInput, Row, TtfbRow } from "./report.js";
import { runPaced } from "./paced.js";
import { runWrk } from "./wrk.js";

/** What every measurement needs: the options, the three targets, the request bodies. */
export interface Bench {
  readonly opts: BenchProxyOptions;
  readonly useWrk: boolean;
  /** The CPU of the engine and the load generators when pinned (the proxies have CPU 1). */
  readonly loadCpu: number | undefined;
  readonly engine: Child;
  readonly proxy: Child;
  readonly bare: Child;
  /** The route loaded (`--route`): chat completions unless asked. */
  readonly path: string;
  /** A request body, streaming or not, with a program id (null = none: the engine direct). */
  readonly body: (stream: boolean, program: string | null) => string;
  readonly log: (msg: string) => void;
}

const withPercentiles = (l: { latencies: Float64Array }) => ({
  p50: percentile(l.latencies, 50),
  p99: percentile(l.latencies, 99),
  cpuUs: null as number | null,
});

/** One measured run against `target` (after a warm-up), closed loop, or paced at `rate`. */
async function measureOnce(
  b: Bench,
  target: Child,
  viaProxy: boolean,
  load: { stream: boolean; connections: number },
  rate?: number,
): Promise<Measure> {
  const { opts, useWrk, loadCpu, engine } = b;
  const bodyFor = (i: number) => b.body(load.stream, viaProxy ? `bench-${i}` : null);
  const connections = load.connections;
  // Warm-up (JIT, pools), then the measured run.
  if (opts.warmup > 0) {
    const warm = { url: target.url, path: b.path, connections, durationS: opts.warmup, bodyFor };
    if (rate !== undefined) await runPaced({ ...warm, rate });
    else if (useWrk) await runWrk({ ...warm, cpu: loadCpu });
    else await runLoad(warm);
  }
  const cpu0 = cpuMicros(target.pid);
  const eng0 = cpuMicros(engine.pid);
  const own0 = process.cpuUsage();
  const run = { url: target.url, path: b.path, connections, durationS: opts.duration, bodyFor };
  const r =
    rate !== undefined
      ? await runPaced({ ...run, rate }).then((l) => ({ ...l, ...withPercentiles(l) }))
      : useWrk
        ? await runWrk({ ...run, cpu: loadCpu })
        : await runLoad(run).then((l) => ({ ...l, ...withPercentiles(l) }));
  const cpu1 = cpuMicros(target.pid);
  const eng1 = cpuMicros(engine.pid);
  const own = process.cpuUsage(own0);
  const perReq = (a: number | null, z: number | null) =>
    a === null || z === null || r.total === 0 ? Number.NaN : (z - a) / r.total;
  return {
    rps: r.rps,
    p50: r.p50,
    p99: r.p99,
    cpuUs: target === engine ? Number.NaN : perReq(cpu0, cpu1),
    engineCpuUs: perReq(eng0, eng1),
    // wrk's own CPU when it made the load, else autocannon's (in this process).
    clientCpuUs: r.cpuUs !== null ? perReq(0, r.cpuUs) : perReq(0, own.user + own.system),
    errors: r.errors,
  };
}

/**
 * Saturation: the machine is shared, so the three targets are measured back to back, `--repeat`
 * times, and the best run of each (highest req/s) is kept.
 */
export async function saturatedRow(b: Bench, stream: boolean, connections: number): Promise<Row> {
  const load = { stream, connections };
  const best: { direct?: Measure; proxy?: Measure; bare?: Measure } = {};
  const keep = (k: keyof typeof best, m: Measure) => {
    if (!best[k] || m.rps > best[k].rps) best[k] = m;
  };
  for (let rep = 0; rep < b.opts.repeat; rep++) {
    b.log(`${label(load)} (${rep + 1}/${b.opts.repeat}): direct, proxy, bare`);
    keep("direct", await measureOnce(b, b.engine, false, load));
    keep("proxy", await measureOnce(b, b.proxy, true, load));
    keep("bare", await measureOnce(b, b.bare, true, load));
  }
  return { stream, connections, direct: best.direct!, proxy: best.proxy!, bare: best.bare! };
}

/**
 * Latency without saturation: the same connections paced at half of what the bare proxy
 * sustains, so queueing does not hide what the proxy adds per request. Stalls common to every
 * target (GC, the VM) land in single runs: each statistic is the median over at least three
 * interleaved rounds, not the luckiest run.
 */
export async function pacedRow(b: Bench, saturated: Row): Promise<Row & { rate: number }> {
  const load = { stream: saturated.stream, connections: saturated.connections };
  const rate = Math.max(20, Math.floor(0.5 * Math.min(saturated.proxy.rps, saturated.bare.rps)));
  b.log(`${label(load)}: paced at ${rate} req/s`);
  const rounds: { direct: Measure[]; proxy: Measure[]; bare: Measure[] } = {
    direct: [],
    proxy: [],
    bare: [],
  };
  for (let rep = 0; rep < Math.max(3, b.opts.repeat); rep++) {
    rounds.direct.push(await measureOnce(b, b.engine, false, load, rate));
    rounds.proxy.push(await measureOnce(b, b.proxy, true, load, rate));
    rounds.bare.push(await measureOnce(b, b.bare, true, load, rate));
  }
  return {
    ...load,
    rate,
    direct: medianMeasure(rounds.direct),
    proxy: medianMeasure(rounds.proxy),
    bare: medianMeasure(rounds.bare),
  };
}

const label = (l: { stream: boolean; connections: number }) =>
  `${l.stream ? "stream" : "non-stream"} ×${l.connections}`;

/** Streams' time to first byte at 1 and 64 concurrent streams, per target. */
export async function ttfbRows(b: Bench): Promise<TtfbRow[]> {
  const rows: TtfbRow[] = [];
  for (const concurrency of [1, 64]) {
    b.log(`stream TTFB ×${concurrency}`);
    const bodyFor = (viaProxy: boolean) => (w: number) =>
      b.body(true, viaProxy ? `ttfb-${w}` : null);
    const at = (target: Child, viaProxy: boolean) =>
      measureTtfb({
        url: target.url,
        path: b.path,
        concurrency,
        durationS: b.opts.duration,
        bodyFor: bodyFor(viaProxy),
      });
    const d = await at(b.engine, false);
    const p = await at(b.proxy, true);
    const r = await at(b.bare, true);
    rows.push({
      concurrency,
      directP50: percentile(d.ttfb, 50),
      directP99: percentile(d.ttfb, 99),
      proxyP50: percentile(p.ttfb, 50),
      proxyP99: percentile(p.ttfb, 99),
      bareP50: percentile(r.ttfb, 50),
      bareP99: percentile(r.ttfb, 99),
    });
  }
  return rows;
}

/**
 * The proxy's RSS with `--programs` live programs. A fresh proxy in front of an engine with room
 * for every program: router-core counts each acting program's tokens plus 600 of headroom, so on
 * the 4M-token engine of the load runs the last ones would wait for capacity (correctly) and this
 * would measure scheduling, not memory. (The load runs keep the smaller engine: a prefix cache of
 * a million blocks filled by hundreds of thousands of requests made engine-sim itself the
 * bottleneck.) The processes it starts go into `children`, for the caller to stop.
 */
export async function measureRss(b: Bench, children: Child[]): Promise<ReportInput["rss"]> {
  const programs = b.opts.programs;
  if (programs <= 0) return null;
  const afterRuns = rssMiB(b.proxy.pid);
  b.log(`registering ${programs} programs on a fresh proxy`);
  const memEngine = await startTs("engine-sim (memory)", "packages/engine-sim/src/main.ts", [
    "--instant",
    "--kv-tokens",
    "16000000",
  ]);
  children.push(memEngine);
  const memProxy = await startTs("proxy (memory)", "apps/proxy/src/main.ts", [
    "--backends",
    memEngine.url,
    "--log-level",
    "warn",
  ]);
  children.push(memProxy);
  const before = rssMiB(memProxy.pid);
  const errors = await registerPrograms({
    url: memProxy.url,
    path: b.path,
    n: programs,
    concurrency: 64,
    bodyFor: (i) => b.body(false, `live-${i}`),
  });
  if (errors > 0) b.log(`${errors} registration requests failed`);
  const health = (await (await request(`${memProxy.url}/health`)).body.json()) as {
    programs_count: number;
  };
  return { afterRuns, before, after: rssMiB(memProxy.pid), programs: health.programs_count };
}
