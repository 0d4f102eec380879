/**
 * The markdown of docs/results/proxy.md.
 * @module
 */

/** One target under one load. Latencies in ms, CPU in µs of the process per request. */
export interface Measure {
  rps: number;
  p50: number;
  p99: number;
  /** CPU of the proxy process (NaN for the engine alone). */
  cpuUs: number;
  engineCpuUs: number;
  /** CPU of the load generator (autocannon, in the bench process). */
  clientCpuUs: number;
  errors: number;
  /** Lowest and highest p99 of the rounds behind a median (paced runs). */
  p99Spread?: readonly [number, number];
}

export interface Row {
  stream: boolean;
  connections: number;
  direct: Measure;
  proxy: Measure;
  /** The bare Node proxy: the floor for any Node proxy on this machine. */
  bare: Measure;
}

export interface TtfbRow {
  concurrency: number;
  directP50: number;
  directP99: number;
  proxyP50: number;
  proxyP99: number;
  bareP50: number;
  bareP99: number;
}

export interface ReportInput {
  rows: Row[];
  /** 64 connections paced below saturation (open loop): latency without queueing. */
  paced: Array<Row & { rate: number }>;
  ttfb: TtfbRow[];
  /** Proxy RSS after the load runs; a fresh proxy's before and with `programs` live programs. */
  rss: {
    afterRuns: number | null;
    before: number | null;
    after: number | null;
    programs: number;
  } | null;
  durationS: number;
  repeat: number;
  warmupS: number;
  /** What made the load at saturation (the paced runs use the bench's open-loop generator). */
  load: "wrk" | "autocannon";
  /** engine-sim and the load generators on CPU 0; the proxies on CPU 1. */
  pinned: boolean;
  machine: string;
  date: string;
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "–");
const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? "+" : ""}${v.toFixed(2)}` : "–");
const us = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : "–");
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)} %`;

/** Targets at 64 connections: added p50 ≤ 1 ms, added p99 ≤ 5 ms, ≥ 60 % of direct req/s. */
export function targets(r: Row): { p50: boolean; p99: boolean; rps: boolean } {
  return {
    p50: r.proxy.p50 - r.direct.p50 <= 1,
    p99: r.proxy.p99 - r.direct.p99 <= 5,
    rps: r.proxy.rps >= 0.6 * r.direct.rps,
  };
}

export function renderReport(input: ReportInput): string {
  return [
    ...header(input),
    ...saturationTables(input.rows),
    ...targetsLine(input),
    ...pacedSection(input.paced),
    ...analysis(input.rows, input.pinned),
    ...ttfbSection(input.ttfb),
    ...memorySection(input.rss),
  ].join("\n");
}

const mode = (r: { stream: boolean }) => (r.stream ? "stream" : "non-stream");

/** The title and how the numbers were taken. */
function header(input: ReportInput): string[] {
  return [
    "# Proxy overhead (`pnpm bench:proxy`)",
    "",
    `engine-sim \`--instant\` answered directly, through the proxy (\`--router tr\`, one backend), and ` +
      `through a bare Node proxy (node:http + one undici Pool, JSON in and out, nothing else: the floor ` +
      `for any Node proxy), each in its own process, on loopback; load at saturation from ` +
      `${input.load === "wrk" ? "wrk (one thread)" : "autocannon in the bench process"}, paced load (open loop, latency counted from each request's due time) from an undici generator in the bench process; ` +
      `${
        input.pinned
          ? "processes pinned with taskset: engine-sim and the load generators on CPU 0 (the generator costs the engine the same with or without a proxy in the path), the proxy and the bare proxy on CPU 1 (a deployment gives the router cores of its own); "
          : "processes not pinned (all share every core); "
      }${input.durationS} s per run after a ${input.warmupS} s warm-up (JIT, pools), the three targets back to back, best ` +
      `of ${input.repeat} rounds each. Latency is the full response time of ` +
      `every 2xx answer at sub-millisecond resolution. CPU is user+system time of the process divided by ` +
      `the requests served. Machine: ${input.machine}, shared with other work, so absolute numbers are ` +
      `noisy. ${input.date}.`,
    "",
  ];
}

/** The runs at saturation: added latency and CPU, then the absolute latencies. */
function saturationTables(rows: readonly Row[]): string[] {
  const L: string[] = [];
  L.push(
    "| mode | conns | direct req/s | proxy req/s | bare req/s | proxy added p50 / p99 ms | bare added p50 / p99 ms | CPU µs/req proxy · bare · engine | errors |",
  );
  L.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const { direct: d, proxy: p, bare: b } = r;
    L.push(
      `| ${mode(r)} | ${r.connections} | ${d.rps.toFixed(0)} | ` +
        `${p.rps.toFixed(0)} (${pct(p.rps, d.rps)}) | ${b.rps.toFixed(0)} (${pct(b.rps, d.rps)}) | ` +
        `${signed(p.p50 - d.p50)} / ${signed(p.p99 - d.p99)} | ${signed(b.p50 - d.p50)} / ${signed(b.p99 - d.p99)} | ` +
        `${us(p.cpuUs)} · ${us(b.cpuUs)} · ${us(d.engineCpuUs)} | ${d.errors + p.errors + b.errors} |`,
    );
  }
  L.push("");
  L.push("Absolute latencies (ms):");
  L.push("");
  L.push(
    "| mode | conns | direct p50 | proxy p50 | bare p50 | direct p99 | proxy p99 | bare p99 |",
  );
  L.push("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    L.push(
      `| ${mode(r)} | ${r.connections} | ${ms(r.direct.p50)} | ${ms(r.proxy.p50)} | ` +
        `${ms(r.bare.p50)} | ${ms(r.direct.p99)} | ${ms(r.proxy.p99)} | ${ms(r.bare.p99)} |`,
    );
  }
  L.push("");
  return L;
}

/** Whether the targets at 64 connections are met (latency from the paced runs when they exist). */
function targetsLine(input: ReportInput): string[] {
  const at64 = input.rows.filter((r) => r.connections === 64);
  if (at64.length === 0) return [];
  const f = (ok: boolean, what: string) => (ok ? `${what} met` : `${what} **missed**`);
  const verdicts = at64.map((r) => {
    const pacedRow = input.paced.find((p) => p.stream === r.stream);
    const lat = targets(pacedRow ?? r);
    const t = targets(r);
    return `${mode(r)}: ${f(lat.p50, "p50")}, ${f(lat.p99, "p99")}, ${f(t.rps, "req/s")}`;
  });
  return [
    "Targets at 64 connections (added p50 ≤ 1 ms and p99 ≤ 5 ms, read below saturation when the " +
      "paced runs exist; ≥ 60 % of direct req/s at saturation): " +
      verdicts.join("; ") +
      ".",
    "",
  ];
}

/** The paced (open-loop) runs: latency without queueing. */
function pacedSection(paced: ReportInput["paced"]): string[] {
  if (paced.length === 0) return [];
  const L: string[] = [];
  L.push("## Latency below saturation");
  L.push("");
  L.push(
    "The runs above drive every target as fast as it answers, so on a saturated machine most of the " +
      "latency is queueing. Here the same 64 connections are paced (open loop) at half of what the " +
      "proxies sustain, the same rate for all three targets; at least three interleaved rounds, each " +
      "figure the median over the rounds.",
  );
  L.push("");
  L.push(
    "| mode | conns | rate req/s | direct p50 / p99 ms | proxy added p50 / p99 ms | bare added p50 / p99 ms | p99 of the rounds, min–max ms: direct · proxy · bare | CPU µs/req proxy · bare |",
  );
  L.push("|---|---:|---:|---:|---:|---:|---:|---:|");
  const spread = (m: Measure) =>
    m.p99Spread ? `${m.p99Spread[0].toFixed(1)}–${m.p99Spread[1].toFixed(1)}` : "–";
  for (const r of paced) {
    const { direct: d, proxy: p, bare: b } = r;
    L.push(
      `| ${mode(r)} | ${r.connections} | ${r.rate} | ${ms(d.p50)} / ${ms(d.p99)} | ` +
        `${signed(p.p50 - d.p50)} / ${signed(p.p99 - d.p99)} | ${signed(b.p50 - d.p50)} / ${signed(b.p99 - d.p99)} | ` +
        `${spread(d)} · ${spread(p)} · ${spread(b)} | ${us(p.cpuUs)} · ${us(b.cpuUs)} |`,
    );
  }
  L.push("");
  return L;
}

/** Streams' time to first byte by concurrency. */
function ttfbSection(ttfb: readonly TtfbRow[]): string[] {
  if (ttfb.length === 0) return [];
  const L: string[] = [];
  L.push("## Streams: time to first byte");
  L.push("");
  L.push(
    "| concurrency | direct p50 ms | proxy p50 ms | added p50 ms | bare added p50 ms | direct p99 ms | proxy p99 ms | added p99 ms | bare added p99 ms |",
  );
  L.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const t of ttfb) {
    L.push(
      `| ${t.concurrency} | ${ms(t.directP50)} | ${ms(t.proxyP50)} | ${signed(t.proxyP50 - t.directP50)} | ` +
        `${signed(t.bareP50 - t.directP50)} | ${ms(t.directP99)} | ${ms(t.proxyP99)} | ` +
        `${signed(t.proxyP99 - t.directP99)} | ${signed(t.bareP99 - t.directP99)} |`,
    );
  }
  L.push("");
  return L;
}

/** The proxy's resident memory after the runs and with many live programs. */
function memorySection(rss: ReportInput["rss"]): string[] {
  if (!rss) return [];
  const f = (v: number | null) => (v === null ? "–" : `${v.toFixed(0)} MiB`);
  return [
    "## Memory",
    "",
    `Proxy RSS after the runs above: ${f(rss.afterRuns)}. A fresh proxy: ${f(rss.before)} ` +
      `at start, ${f(rss.after)} with ${rss.programs} live programs (one request each, then acting).`,
    "",
  ];
}

/**
 * What the CPU figures say. Not pinned, the processes share every core, so at saturation req/s is
 * about cores / (CPU per request of every process on the path) and the best a proxy of cost P
 * reaches against an engine of cost E with a client of cost C is (E + C) / (E + C + P) of direct.
 * Pinned, the engine shares CPU 0 with the client and the proxy has CPU 1: the slower core sets
 * the pace, (E + C) / max(E' + C', P) of direct.
 */
function ceilingOf(direct: Measure, via: Measure, pinned: boolean): number {
  if (pinned) {
    return (
      (direct.engineCpuUs + direct.clientCpuUs) /
      Math.max(via.engineCpuUs + via.clientCpuUs, via.cpuUs)
    );
  }
  return (
    (direct.engineCpuUs + direct.clientCpuUs) / (via.engineCpuUs + via.clientCpuUs + via.cpuUs)
  );
}

function analysis(rows: readonly Row[], pinned: boolean): string[] {
  const at64 = rows.filter((r) => r.connections === 64);
  if (at64.length === 0) return [];
  const L = ["## Reading the numbers", ""];
  for (const r of at64) {
    const d = r.direct;
    const p = r.proxy;
    const ceiling = Math.min(1, ceilingOf(d, p, pinned));
    const bareCeiling = Math.min(1, ceilingOf(d, r.bare, pinned));
    L.push(
      `- ${r.stream ? "Streaming" : "Non-streaming"}, 64 connections: direct costs ` +
        `${us(d.engineCpuUs)} µs (engine) + ${us(d.clientCpuUs)} µs (client) of CPU per request; through ` +
        `the proxy ${us(p.engineCpuUs)} + ${us(p.clientCpuUs)} + ${us(p.cpuUs)} µs (proxy). At saturation ` +
        `that caps the proxy at about ${(100 * ceiling).toFixed(0)} % of direct req/s (the bare ` +
        `Node proxy: ${(100 * bareCeiling).toFixed(0)} %). The proxy's CPU per request is ` +
        `${((100 * p.cpuUs) / r.bare.cpuUs).toFixed(0)} % of the bare floor's.`,
    );
  }
  L.push(
    pinned
      ? "- Pinned, the engine and the client keep CPU 0 whether or not a proxy is in the path, and the " +
          "proxy has CPU 1, as on a real host (vLLM's API server and GPU workers never share the router's " +
          "cores). The proxy then costs throughput only when its CPU per request exceeds the engine's and the " +
          "client's together, and latency only by its own hop. `--pin off` runs the same processes on both " +
          "cores at once, where at saturation they fight over the CPU."
      : "- Not pinned, engine-sim `--instant` spends about as much CPU per request as one Node HTTP hop, so " +
          "once the two shared cores saturate, throughput through any proxy is capped near " +
          "(engine + client) / (engine + client + proxy) of direct, and the latency added at saturation is " +
          "queueing. Against a real engine (tens of ms per decode step) the same per-request CPU is a rounding error.",
  );
  L.push(
    "- Runs on a shared machine vary from one minute to the next, so read the CPU columns before the " +
      "req/s ones.",
  );
  L.push("");
  return L;
}
