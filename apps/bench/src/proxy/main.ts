/**
 * `pnpm bench:proxy`: what the proxy costs. engine-sim `--instant` answered directly and through
 * the proxy, non-streaming and streaming, at 1/64/256 connections: requests/s, added latency
 * p50/p99, added time to first byte for streams, and the proxy's RSS with 10,000 live programs.
 * Writes the table to docs/results/proxy.md.
 *
 *   pnpm bench:proxy [--duration 5] [--connections 1,64,256] [--repeat 2] [--warmup 3] [--programs 10000]
 *                    [--pin auto|on|off] [--load auto|wrk|autocannon] [--out path]
 *
 * `--pin` (default: on where taskset works and there are two CPUs or more) puts engine-sim and
 * the load generators (wrk, and this process, which paces and times) on CPU 0 and the proxy under
 * test on CPU 1. The load generator costs the engine's core the same with or without a proxy in
 * the path, and the proxy gets a core of its own, as on a real host: what the proxy adds is then
 * its own hop, not the scheduler time-slicing it against the client that measures it. `--load auto` uses wrk when it is on PATH (much cheaper per request than
 * autocannon), autocannon otherwise; paced runs use an open-loop undici generator (paced.ts).
 * @module
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { request } from "undici";
import { z } from "zod";
import { measureTtfb, percentile, registerPrograms, runLoad } from "./load.js";
import { ROOT, canPin, cpuMicros, pin, rssMiB, startTs, type Child } from "./processes.js";
import { medianMeasure, renderReport, type Measure, type Row, type TtfbRow } from "./report.js";
import { runPaced } from "./paced.js";
import { runWrk, wrkAvailable } from "./wrk.js";

const Options = z.object({
  duration: z.coerce.number().positive().default(5),
  connections: z
    .string()
    .default("1,64,256")
    .transform((s) => s.split(",").map((x) => Number(x.trim())))
    .pipe(z.array(z.number().int().positive()).min(1)),
  programs: z.coerce.number().int().nonnegative().default(10_000),
  repeat: z.coerce.number().int().positive().default(2),
  warmup: z.coerce.number().nonnegative().default(3),
  out: z.string().default(join(ROOT, "docs", "results", "proxy.md")),
  pin: z.enum(["auto", "on", "off"]).default("auto"),
  load: z.enum(["auto", "wrk", "autocannon"]).default("auto"),
});

function parseOptions() {
  try {
    const { values } = parseArgs({
      options: {
        duration: { type: "string" },
        connections: { type: "string" },
        programs: { type: "string" },
        repeat: { type: "string" },
        warmup: { type: "string" },
        out: { type: "string" },
        pin: { type: "string" },
        load: { type: "string" },
      },
      strict: true,
    });
    const res = Options.safeParse(values);
    if (!res.success)
      throw new Error(
        res.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join("; "),
      );
    return res.data;
  } catch (err) {
    process.stderr.write(`bench:proxy: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

function log(msg: string): void {
  process.stderr.write(`[bench:proxy] ${msg}\n`);
}

async function modelOf(engine: Child): Promise<string> {
  const res = await request(`${engine.url}/v1/models`);
  const body = (await res.body.json()) as { data?: Array<{ id?: string }> };
  return body.data?.[0]?.id ?? "engine-sim";
}

async function main(): Promise<void> {
  const opts = parseOptions();
  const pinnable = canPin(cpus().length);
  if (opts.pin === "on" && !pinnable) {
    process.stderr.write("bench:proxy: --pin on needs Linux, taskset and at least two CPUs\n");
    process.exit(2);
  }
  const pinned = opts.pin === "on" || (opts.pin === "auto" && pinnable);
  const haveWrk = wrkAvailable();
  if (opts.load === "wrk" && !haveWrk) {
    process.stderr.write("bench:proxy: --load wrk: wrk is not on PATH (apt-get install wrk)\n");
    process.exit(2);
  }
  const useWrk = opts.load === "wrk" || (opts.load === "auto" && haveWrk);
  /** The CPU of the engine and the load generators when pinned (the proxies have CPU 1). */
  const loadCpu = pinned ? 0 : undefined;
  if (pinned) pin(process.pid, 0);
  log(`load from ${useWrk ? "wrk" : "autocannon"}; ${pinned ? "pinned" : "not pinned"}`);
  const loadStart = loadavg()[0]!.toFixed(1);
  const children: Child[] = [];
  const cleanup = async () => {
    for (const c of children.reverse()) await c.stop();
  };
  process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));
  try {
    log("starting engine-sim --instant");
    const engine = await startTs("engine-sim", "packages/engine-sim/src/main.ts", [
      "--instant",
      "--kv-tokens",
      "4000000",
    ]);
    children.push(engine);
    if (pinned) pin(engine.pid, 0);
    log("starting the proxy");
    const proxy = await startTs("proxy", "apps/proxy/src/main.ts", [
      "--backends",
      engine.url,
      "--log-level",
      "warn",
    ]);
    children.push(proxy);
    log("starting the bare Node proxy (the floor)");
    const bare = await startTs("bare-proxy", "apps/bench/src/proxy/bare-proxy.ts", [
      "--backend",
      engine.url,
    ]);
    children.push(bare);
    if (pinned) {
      pin(proxy.pid, 1);
      pin(bare.pid, 1);
    }
    const model = await modelOf(engine);
    const content = "Write a bash command that lists the files of the repository. ".repeat(4);
    const body = (stream: boolean, program: string | null) =>
      JSON.stringify({
        model,
        messages: [{ role: "user", content }],
        max_tokens: 16,
        ...(stream ? { stream: true } : {}),
        ...(program !== null ? { program_id: program } : {}),
      });

    const rows: Row[] = [];
    const paced: Array<Row & { rate: number }> = [];
    for (const stream of [false, true]) {
      for (const connections of opts.connections) {
        const run = async (
          target: Child,
          viaProxy: boolean,
          overallRate?: number,
        ): Promise<Measure> => {
          const bodyFor = (i: number) => body(stream, viaProxy ? `bench-${i}` : null);
          // Warm-up (JIT, pools), then the measured run.
          if (opts.warmup > 0) {
            const warm = { url: target.url, connections, durationS: opts.warmup, bodyFor };
            if (overallRate !== undefined) await runPaced({ ...warm, rate: overallRate });
            else if (useWrk) await runWrk({ ...warm, cpu: loadCpu });
            else await runLoad(warm);
          }
          const cpu0 = cpuMicros(target.pid);
          const eng0 = cpuMicros(engine.pid);
          const own0 = process.cpuUsage();
          const withPercentiles = (l: { latencies: Float64Array }) => ({
            p50: percentile(l.latencies, 50),
            p99: percentile(l.latencies, 99),
            cpuUs: null as number | null,
          });
          const load = { url: target.url, connections, durationS: opts.duration, bodyFor };
          const r =
            overallRate !== undefined
              ? await runPaced({ ...load, rate: overallRate }).then((l) => ({
                  ...l,
                  ...withPercentiles(l),
                }))
              : useWrk
                ? await runWrk({ ...load, cpu: loadCpu })
                : await runLoad(load).then((l) => ({ ...l, ...withPercentiles(l) }));
          const cpu1 = cpuMicros(target.pid);
          const eng1 = cpuMicros(engine.pid);
          const own = process.cpuUsage(own0);
          const perReq = (a: number | null, b: number | null) =>
            a === null || b === null || r.total === 0 ? Number.NaN : (b - a) / r.total;
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
        };
        const label = `${stream ? "stream" : "non-stream"} ×${connections}`;
        // The machine is shared: the three targets are measured back to back, `--repeat` times,
        // and the best run of each (highest req/s) is kept.
        const best: { direct?: Measure; proxy?: Measure; bare?: Measure } = {};
        const keep = (k: keyof typeof best, m: Measure) => {
          if (!best[k] || m.rps > best[k].rps) best[k] = m;
        };
        for (let rep = 0; rep < opts.repeat; rep++) {
          log(`${label} (${rep + 1}/${opts.repeat}): direct, proxy, bare`);
          keep("direct", await run(engine, false));
          keep("proxy", await run(proxy, true));
          keep("bare", await run(bare, true));
        }
        rows.push({
          stream,
          connections,
          direct: best.direct!,
          proxy: best.proxy!,
          bare: best.bare!,
        });
        if (connections === 64) {
          // Latency without saturation: the same 64 connections paced at half of what the bare
          // proxy sustains, so queueing does not hide what the proxy adds per request.
          const rate = Math.max(20, Math.floor(0.5 * Math.min(best.proxy!.rps, best.bare!.rps)));
          log(`${label}: paced at ${rate} req/s`);
          // Stalls common to every target (GC, the VM) land in single runs: each statistic is the
          // median over at least three interleaved rounds, not the luckiest run.
          const rounds: { direct: Measure[]; proxy: Measure[]; bare: Measure[] } = {
            direct: [],
            proxy: [],
            bare: [],
          };
          for (let rep = 0; rep < Math.max(3, opts.repeat); rep++) {
            rounds.direct.push(await run(engine, false, rate));
            rounds.proxy.push(await run(proxy, true, rate));
            rounds.bare.push(await run(bare, true, rate));
          }
          paced.push({
            stream,
            connections,
            rate,
            direct: medianMeasure(rounds.direct),
            proxy: medianMeasure(rounds.proxy),
            bare: medianMeasure(rounds.bare),
          });
        }
      }
    }

    const ttfb: TtfbRow[] = [];
    for (const concurrency of [1, 64]) {
      log(`stream TTFB ×${concurrency}`);
      const bodyFor = (viaProxy: boolean) => (w: number) =>
        body(true, viaProxy ? `ttfb-${w}` : null);
      const d = await measureTtfb({
        url: engine.url,
        concurrency,
        durationS: opts.duration,
        bodyFor: bodyFor(false),
      });
      const p = await measureTtfb({
        url: proxy.url,
        concurrency,
        durationS: opts.duration,
        bodyFor: bodyFor(true),
      });
      const b = await measureTtfb({
        url: bare.url,
        concurrency,
        durationS: opts.duration,
        bodyFor: bodyFor(true),
      });
      ttfb.push({
        concurrency,
        directP50: percentile(d.ttfb, 50),
        directP99: percentile(d.ttfb, 99),
        proxyP50: percentile(p.ttfb, 50),
        proxyP99: percentile(p.ttfb, 99),
        bareP50: percentile(b.ttfb, 50),
        bareP99: percentile(b.ttfb, 99),
      });
    }

    let rss: {
      afterRuns: number | null;
      before: number | null;
      after: number | null;
      programs: number;
    } | null = null;
    if (opts.programs > 0) {
      // A fresh proxy in front of an engine with room for every program: router-core counts each
      // acting program's tokens plus 600 of headroom, so on the 4M-token engine above the last
      // ones would wait for capacity (correctly) and this would measure scheduling, not memory.
      // (The load runs keep the smaller engine: a prefix cache of a million blocks filled by
      // hundreds of thousands of requests made engine-sim itself the bottleneck.)
      const afterRuns = rssMiB(proxy.pid);
      log(`registering ${opts.programs} programs on a fresh proxy`);
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
        n: opts.programs,
        concurrency: 64,
        bodyFor: (i) => body(false, `live-${i}`),
      });
      if (errors > 0) log(`${errors} registration requests failed`);
      const health = (await (await request(`${memProxy.url}/health`)).body.json()) as {
        programs_count: number;
      };
      rss = { afterRuns, before, after: rssMiB(memProxy.pid), programs: health.programs_count };
    }

    const md = renderReport({
      rows,
      paced,
      ttfb,
      rss,
      durationS: opts.duration,
      repeat: opts.repeat,
      warmupS: opts.warmup,
      load: useWrk ? "wrk" : "autocannon",
      pinned,
      machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, load average ${loadStart} at the start and ${loadavg()[0]!.toFixed(1)} at the end`,
      date: new Date().toISOString(),
    });
    writeFileSync(opts.out, md);
    process.stdout.write(md);
    log(`wrote ${opts.out}`);
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:proxy: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
