/**
 * From the rows to what is printed and written: per system the steps/min of every round, their
 * mean and min–max, the window KV hit rate; the verdict (is our original-policy mode's mean inside
 * the Python original's [min, max], widened by nothing); the JSON document and the markdown.
 * @module
 */
import { SYSTEM_LABEL, VS_SYSTEMS, type VsSystem } from "./systems.js";
import type { RunRow } from "./execute.js";

export interface SystemSummary {
  readonly system: VsSystem;
  readonly label: string;
  /** Steps/min by round (1-based round r at index r-1; null when that run is missing). */
  readonly perRound: ReadonlyArray<number | null>;
  readonly mean: number | null;
  readonly min: number | null;
  readonly max: number | null;
  /** Mean over the rounds of the engine's window hit rate. */
  readonly hitRateMean: number | null;
  readonly hitRateMin: number | null;
  readonly hitRateMax: number | null;
  readonly pausedStepsMean: number | null;
}

export interface Verdict {
  readonly pass: boolean;
  readonly oursMean: number;
  readonly originalMin: number;
  readonly originalMax: number;
}

const meanOf = (xs: readonly number[]) =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;

export function summarize(rows: readonly RunRow[], rounds: number): SystemSummary[] {
  return VS_SYSTEMS.map((system) => {
    const mine = rows.filter((r) => r.system === system);
    const perRound = Array.from(
      { length: rounds },
      (_, i) => mine.find((r) => r.round === i + 1)?.steps_per_min ?? null,
    );
    const v = mine.map((r) => r.steps_per_min);
    const hits = mine.map((r) => r.window_kv_hit_rate).filter((x): x is number => x !== null);
    const paused = mine
      .map((r) => r.profile?.pausedSteps)
      .filter((x): x is number => x !== undefined);
    return {
      system,
      label: SYSTEM_LABEL[system],
      perRound,
      mean: meanOf(v),
      min: v.length ? Math.min(...v) : null,
      max: v.length ? Math.max(...v) : null,
      hitRateMean: meanOf(hits),
      hitRateMin: hits.length ? Math.min(...hits) : null,
      hitRateMax: hits.length ? Math.max(...hits) : null,
      pausedStepsMean: meanOf(paused),
    };
  });
}

/** Null when either system has no run. */
export function verdict(summaries: readonly SystemSummary[]): Verdict | null {
  const orig = summaries.find((s) => s.system === "python-original");
  const ours = summaries.find((s) => s.system === "ours-original-policy");
  if (!orig || !ours || orig.min === null || orig.max === null || ours.mean === null) return null;
  return {
    pass: ours.mean >= orig.min && ours.mean <= orig.max,
    oursMean: ours.mean,
    originalMin: orig.min,
    originalMax: orig.max,
  };
}

const f1 = (x: number | null) => (x === null ? "–" : x.toFixed(1));
const pct = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(1)} %`);

export function verdictLine(v: Verdict | null): string {
  if (!v)
    return "original-policy mode within the Python original's spread: n/a (a system has no run)";
  return (
    `original-policy mode within the Python original's spread: ${v.pass ? "PASS" : "FAIL"} ` +
    `(ours --policy original mean ${v.oursMean.toFixed(1)}; Python original ${v.originalMin.toFixed(1)}–${v.originalMax.toFixed(1)} steps/min)`
  );
}

/** The plain-text table printed at the end. */
export function renderTable(summaries: readonly SystemSummary[], rounds: number): string {
  const head = [
    "system",
    ...Array.from({ length: rounds }, (_, i) => `r${i + 1}`),
    "mean",
    "min–max",
    "window hit",
  ];
  const body = summaries.map((s) => [
    s.label,
    ...s.perRound.map(f1),
    f1(s.mean),
    s.min === null ? "–" : `${f1(s.min)}–${f1(s.max)}`,
    pct(s.hitRateMean),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ");
  return [line(head), ...body.map(line)].join("\n");
}

export interface SessionInfo {
  readonly sessionId: string;
  readonly generatedAt: string;
  readonly preset: string;
  readonly rounds: number;
  readonly window: { readonly start_min: number; readonly end_min: number };
  readonly timeScale: number | null;
  readonly workers: number;
  readonly command: string;
  readonly originalCmd: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly platform: string };
  readonly sessionDir: string;
}

export function buildDocument(
  info: SessionInfo,
  rows: readonly RunRow[],
  complete: boolean,
): Record<string, unknown> {
  const summaries = summarize(rows, info.rounds);
  const v = verdict(summaries);
  return {
    schema: "thunderagent-bench/vs-original@1",
    complete,
    ...info,
    rows,
    summary: summaries,
    verdict: v,
  };
}

export function renderMarkdown(info: SessionInfo, rows: readonly RunRow[]): string {
  const summaries = summarize(rows, info.rounds);
  const v = verdict(summaries);
  const r = info.rounds;
  const lines = [
    "# The Python original against our router (`pnpm bench:vs-original`)",
    "",
    `Generated ${info.generatedAt} on ${info.machine.platform}, ${info.machine.cpus} cores (${info.machine.cpuModel}), shared with other work.`,
    "",
    "```sh",
    info.command,
    "```",
    "",
    `Preset ${info.preset}: reproduce's simulated pipeline (engine-sim with the preset's profile, ${info.workers} agents on the sample dataset in local sandboxes), ` +
      `time scale ${info.timeScale ?? "n/a"} (real s per simulated s), window: simulated minutes ${info.window.start_min}–${info.window.end_min}, ` +
      `${r} round${r > 1 ? "s" : ""}; round k runs the three routers rotated by k−1 (A B C, B C A, C A B).`,
    "",
    "| system | " +
      Array.from({ length: r }, (_, i) => `round ${i + 1}`).join(" | ") +
      " | mean | min–max | window KV hit rate (mean; min–max) | paused steps per run |",
    "|---|" + "---:|".repeat(r) + "---:|---:|---:|---:|",
    ...summaries.map(
      (s) =>
        `| ${s.label} | ${s.perRound.map(f1).join(" | ")} | ${f1(s.mean)} | ${s.min === null ? "–" : `${f1(s.min)}–${f1(s.max)}`} | ` +
        `${pct(s.hitRateMean)} (${pct(s.hitRateMin)}–${pct(s.hitRateMax)}) | ${s.pausedStepsMean === null ? "–" : s.pausedStepsMean.toFixed(0)} |`,
    ),
    "",
    `**${verdictLine(v)}**`,
    "",
    "Columns:",
    "",
    "- *round k*: steps/min of that run = LLM calls completed in the window (rows of the router's own `step_profiles.csv`, `completed_at`) ÷ the window's length in simulated minutes, counted exactly as `pnpm reproduce --simulate` counts; the clock starts at the engine's first served call.",
    "- *mean*, *min–max*: over the rounds.",
    "- *window KV hit rate*: the engine's `vllm:prefix_cache_hits_total ÷ vllm:prefix_cache_queries_total` between the window's edges (engine-sim's /metrics, interpolated between scrapes).",
    "- *paused steps per run*: mean over the rounds of the steps in the window whose `pause_s` exceeds 10 ms in the router's profile (the request waited in a paused program; the Python original writes its own sub-millisecond forwarding delay as `pause_s` on every step).",
    "- per run: *engine-served in window* is the engine's own count of completed calls over the window (a cross-check of the router's CSV); times are real seconds (one simulated second is `time scale` real seconds); *paused programs* are the router's `/health` `paused_count` sampled every half simulated minute; *load avg* the machine's 1-minute load average over the window.",
    "- verdict: PASS when the mean of `ours --policy original` lies inside [min, max] of the Python original's rounds, widened by nothing.",
    "",
    "Every run:",
    "",
    "| round | position | system | steps | steps/min | engine-served in window | window hit | paused steps | mean pause (real s) | mean prefill (real s) | paused programs (mean / max) | load avg | run |",
    "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ...rows.map(
      (x) =>
        `| ${x.round} | ${x.position} | ${SYSTEM_LABEL[x.system]} | ${x.steps_counted} | ${x.steps_per_min.toFixed(1)} | ` +
        `${x.engine_steps_counted ?? "–"} | ${pct(x.window_kv_hit_rate)} | ${x.profile?.pausedSteps ?? "–"} | ` +
        `${x.profile ? x.profile.pauseS.mean.toFixed(3) : "–"} | ${x.profile ? x.profile.prefillSMean.toFixed(3) : "–"} | ` +
        `${x.router_state.pausedMean.toFixed(1)} / ${x.router_state.pausedMax} | ` +
        `${x.router_state.load1Mean === undefined ? "–" : x.router_state.load1Mean.toFixed(1)} | \`${x.run_id}\` |`,
    ),
    "",
  ];
  return lines.join("\n");
}
