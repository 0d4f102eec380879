/**
 * The markdown of docs/results/proxy.md.
 * @module
 */

export interface Row {
  stream: boolean;
  connections: number;
  directRps: number;
  proxyRps: number;
  directP50: number;
  directP99: number;
  proxyP50: number;
  proxyP99: number;
  errors: number;
}

export interface TtfbRow {
  concurrency: number;
  directP50: number;
  directP99: number;
  proxyP50: number;
  proxyP99: number;
}

export interface ReportInput {
  rows: Row[];
  ttfb: TtfbRow[];
  rss: { before: number | null; after: number | null; programs: number } | null;
  durationS: number;
  machine: string;
  date: string;
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "–");
const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? "+" : ""}${v.toFixed(2)}` : "–");

/** Targets at 64 connections: added p50 ≤ 1 ms, added p99 ≤ 5 ms, ≥ 60 % of direct req/s. */
export function meetsTargets(r: Row): boolean {
  return (
    r.proxyP50 - r.directP50 <= 1 &&
    r.proxyP99 - r.directP99 <= 5 &&
    r.proxyRps >= 0.6 * r.directRps
  );
}

export function renderReport(input: ReportInput): string {
  const lines: string[] = [];
  lines.push("# Proxy overhead (`pnpm bench:proxy`)");
  lines.push("");
  lines.push(
    `engine-sim \`--instant\` answered directly and through the proxy (\`--router tr\`, one backend), ` +
      `on loopback, load from autocannon in a third process; ${input.durationS} s per run after a 1 s warm-up. ` +
      `Latency is per-request response time (full body), taken from every response at sub-millisecond resolution. ` +
      `Machine: ${input.machine}, shared with other work (numbers are noisy). ${input.date}.`,
  );
  lines.push("");
  lines.push(
    "| mode | conns | direct req/s | proxy req/s | proxy/direct | direct p50 ms | proxy p50 ms | added p50 ms | direct p99 ms | proxy p99 ms | added p99 ms | errors |",
  );
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of input.rows) {
    lines.push(
      `| ${r.stream ? "stream" : "non-stream"} | ${r.connections} | ${r.directRps.toFixed(0)} | ${r.proxyRps.toFixed(0)} | ` +
        `${((100 * r.proxyRps) / r.directRps).toFixed(0)} % | ${ms(r.directP50)} | ${ms(r.proxyP50)} | ${signed(r.proxyP50 - r.directP50)} | ` +
        `${ms(r.directP99)} | ${ms(r.proxyP99)} | ${signed(r.proxyP99 - r.directP99)} | ${r.errors} |`,
    );
  }
  lines.push("");
  const at64 = input.rows.filter((r) => r.connections === 64);
  if (at64.length > 0) {
    lines.push(
      "Targets at 64 connections (added p50 ≤ 1 ms, added p99 ≤ 5 ms, ≥ 60 % of direct req/s): " +
        at64
          .map(
            (r) =>
              `${r.stream ? "stream" : "non-stream"} ${meetsTargets(r) ? "met" : "**missed**"}`,
          )
          .join(", ") +
        ".",
    );
    lines.push("");
  }
  if (input.ttfb.length > 0) {
    lines.push("## Streams: time to first byte");
    lines.push("");
    lines.push(
      "| concurrency | direct p50 ms | proxy p50 ms | added p50 ms | direct p99 ms | proxy p99 ms | added p99 ms |",
    );
    lines.push("|---:|---:|---:|---:|---:|---:|---:|");
    for (const t of input.ttfb) {
      lines.push(
        `| ${t.concurrency} | ${ms(t.directP50)} | ${ms(t.proxyP50)} | ${signed(t.proxyP50 - t.directP50)} | ` +
          `${ms(t.directP99)} | ${ms(t.proxyP99)} | ${signed(t.proxyP99 - t.directP99)} |`,
      );
    }
    lines.push("");
  }
  if (input.rss) {
    lines.push("## Memory");
    lines.push("");
    const f = (v: number | null) => (v === null ? "–" : `${v.toFixed(0)} MiB`);
    lines.push(
      `Proxy RSS after the runs above: ${f(input.rss.before)}; with ${input.rss.programs} live programs ` +
        `(one request each, then acting): ${f(input.rss.after)}.`,
    );
    lines.push("");
  }
  return lines.join("\n");
}
