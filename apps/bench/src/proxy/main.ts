/**
 * `pnpm bench:proxy`: what the proxy costs. engine-sim `--instant` answered directly and through
 * the proxy, non-streaming and streaming, at 1/64/256 connections: requests/s, added latency
 * p50/p99, added time to first byte for streams, and the proxy's RSS with 10,000 live programs.
 * Writes the table to docs/results/proxy.md. Options in options.ts (`--help`, `--version`), the
 * measurements in measure.ts.
 *
 *   pnpm bench:proxy [--duration 5] [--connections 1,64,256] [--repeat 2] [--warmup 3] [--programs 10000]
 *                    [--pin auto|on|off] [--load auto|wrk|autocannon] [-o|--out path]
 *                    [--route chat|completions|responses|messages]
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
import { exitWhenDone, optionsOrExitCode } from "@thunderagent/cli-kit";
import { request } from "undici";
import { measureRss, pacedRow, saturatedRow, ttfbRows, type Bench } from "./measure.js";
import { readBenchProxyCommandLine, type BenchProxyOptions } from "./options.js";
import { routeBody, routePath } from "./routes.js";
import { canPin, pin, startTs, type Child } from "./processes.js";
import { renderReport, type Row } from "./report.js";
import { wrkAvailable } from "./wrk.js";

function log(msg: string): void {
  process.stderr.write(`[bench:proxy] ${msg}\n`);
}

async function modelOf(engine: Child): Promise<string> {
  const res = await request(`${engine.url}/v1/models`);
  const body = (await res.body.json()) as { data?: Array<{ id?: string }> };
  return body.data?.[0]?.id ?? "engine-sim";
}

/** Whether to pin and which load generator to use, or the exit code when the choice cannot be had. */
function setup(opts: BenchProxyOptions): { pinned: boolean; useWrk: boolean } | number {
  const pinnable = canPin(cpus().length);
  if (opts.pin === "on" && !pinnable) {
    process.stderr.write("bench:proxy: --pin on needs Linux, taskset and at least two CPUs\n");
    return 2;
  }
  const haveWrk = wrkAvailable();
  if (opts.load === "wrk" && !haveWrk) {
    process.stderr.write("bench:proxy: --load wrk: wrk is not on PATH (apt-get install wrk)\n");
    return 2;
  }
  return {
    pinned: opts.pin === "on" || (opts.pin === "auto" && pinnable),
    useWrk: opts.load === "wrk" || (opts.load === "auto" && haveWrk),
  };
}

/** engine-sim --instant, the proxy and the bare Node proxy, pinned when asked. */
async function startTargets(children: Child[], pinned: boolean) {
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
  return { engine, proxy, bare };
}

/** Every measurement, then the report written to --out and printed. */
async function bench(opts: BenchProxyOptions, pinned: boolean, useWrk: boolean, children: Child[]) {
  const loadStart = loadavg()[0]!.toFixed(1);
  const targets = await startTargets(children, pinned);
  const model = await modelOf(targets.engine);
  const content = "Write a bash command that lists the files of the repository. ".repeat(4);
  const b: Bench = {
    opts,
    useWrk,
    loadCpu: pinned ? 0 : undefined,
    ...targets,
    log,
    path: routePath(opts.route),
    body: (stream, program) =>
      routeBody(opts.route, { model, text: content, maxTokens: 16, stream, program }),
  };
  log(`route ${opts.route} (${routePath(opts.route)})`);
  const rows: Row[] = [];
  const paced: Array<Row & { rate: number }> = [];
  for (const stream of [false, true]) {
    for (const connections of opts.connections) {
      const row = await saturatedRow(b, stream, connections);
      rows.push(row);
      if (connections === 64) paced.push(await pacedRow(b, row));
    }
  }
  const ttfb = await ttfbRows(b);
  const rss = await measureRss(b, children);
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
}

async function main(argv: readonly string[]): Promise<number> {
  const opts = await optionsOrExitCode("bench:proxy", () => readBenchProxyCommandLine(argv));
  if (typeof opts === "number") return opts;
  const choice = setup(opts);
  if (typeof choice === "number") return choice;
  const { pinned, useWrk } = choice;
  if (pinned) pin(process.pid, 0);
  log(`load from ${useWrk ? "wrk" : "autocannon"}; ${pinned ? "pinned" : "not pinned"}`);
  const children: Child[] = [];
  const cleanup = async () => {
    for (const c of children.reverse()) await c.stop();
  };
  process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));
  try {
    await bench(opts, pinned, useWrk, children);
    return 0;
  } finally {
    await cleanup();
  }
}

void exitWhenDone("bench:proxy", main(process.argv.slice(2)));
