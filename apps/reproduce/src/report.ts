/**
 * The report: JSON validated by @thunderagent/protocol's ReproduceReport, a markdown rendering,
 * and the SVG plots beside it. Everything is written atomically.
 * @module
 */
import { basename, dirname, join } from "node:path";
import {
  ReproduceReport,
  parseOrThrow,
  type ReproduceRun,
  type ReproduceSystem,
} from "@thunderagent/protocol";
import { writeFileAtomic } from "@thunderagent/swebench";
import type { Plan } from "./plan-types.js";
import { compareSpec, renderSvg, timelineSpec } from "./plots.js";
import type { WindowCount } from "./window.js";

export interface SystemResult {
  readonly system: ReproduceSystem;
  readonly startedAt: number;
  readonly count: WindowCount;
  readonly source: string;
  readonly workers: number;
}

export function buildReport(
  plan: Pick<Plan, "preset" | "model" | "mode" | "window" | "timeScale">,
  results: readonly SystemResult[],
  plots: readonly string[],
  now = new Date(),
): ReproduceReport {
  const runs: ReproduceRun[] = results.map((r) => ({
    system: r.system,
    started_at: r.startedAt,
    steps_counted: r.count.stepsCounted,
    steps_per_min: r.count.stepsPerMin,
    total_steps: r.count.totalSteps,
    steps_per_minute_series: r.count.series,
    source: r.source,
    workers: r.workers,
    kv_hit_rate: r.count.kvHitRate,
  }));
  const ta = runs.find((r) => r.system === "thunderagent");
  const vl = runs.find((r) => r.system === "vllm");
  const speedup = ta && vl && vl.steps_per_min > 0 ? ta.steps_per_min / vl.steps_per_min : null;
  return parseOrThrow(
    ReproduceReport,
    {
      schema_version: 1,
      preset: plan.preset.name,
      model: plan.model,
      mode: plan.mode,
      generated_at: now.toISOString(),
      window: { start_min: plan.window.startMin, end_min: plan.window.endMin },
      time_scale: plan.timeScale,
      runs,
      speedup,
      plots: [...plots],
    },
    "reproduce report",
  );
}

const LABEL: Record<ReproduceSystem, string> = { thunderagent: "ThunderAgent", vllm: "vLLM" };

export function renderMarkdown(
  report: ReproduceReport,
  paper: { thunderagent: number; vllm: number; workers: number } | null,
  notes: readonly string[] = [],
): string {
  const unit = report.mode === "simulated" ? "simulated minutes" : "minutes";
  const lines = [
    `# Reproduce ${report.preset}: ${report.model} (${report.mode})`,
    "",
    `Generated ${report.generated_at}. Window: ${unit} ${report.window.start_min}–${report.window.end_min} after start` +
      (report.time_scale !== null
        ? `; time scale ${report.time_scale} (real s per simulated s).`
        : "."),
    "",
    "| system | workers | steps in window | steps/min | all steps | KV hit rate | counted from |",
    "|---|---|---|---|---|---|---|",
    ...report.runs.map(
      (r) =>
        `| ${LABEL[r.system]} | ${r.workers} | ${r.steps_counted} | ${r.steps_per_min.toFixed(1)} | ${r.total_steps} | ` +
        `${r.kv_hit_rate === null ? "n/a" : `${(r.kv_hit_rate * 100).toFixed(1)}%`} | \`${r.source}\` |`,
    ),
    "",
  ];
  if (report.speedup !== null)
    lines.push(`**Speedup: ${report.speedup.toFixed(2)}×** (ThunderAgent ÷ vLLM).`, "");
  if (paper) {
    lines.push(
      `Paper (8×H100, ${paper.workers} parallel programs): ThunderAgent ${paper.thunderagent} steps/min, ` +
        `vLLM ${paper.vllm} (${(paper.thunderagent / paper.vllm).toFixed(2)}×).`,
      "",
    );
  }
  for (const n of notes) lines.push(`- ${n}`);
  if (notes.length > 0) lines.push("");
  for (const p of report.plots) lines.push(`![${basename(p)}](${basename(p)})`, "");
  return lines.join("\n");
}

/** Renders the plots beside the report, then writes JSON and markdown. Returns the paths. */
export async function writeReport(
  reportPath: string,
  make: (plots: string[]) => ReproduceReport,
  paper: { thunderagent: number; vllm: number; workers: number } | null,
  notes: readonly string[] = [],
): Promise<{ json: string; markdown: string; plots: string[]; report: ReproduceReport }> {
  const dir = dirname(reportPath);
  const stem = basename(reportPath).replace(/\.json$/i, "");
  const draft = make([]);
  const plots: string[] = [];
  const timeline = join(dir, `${stem}-steps-over-time.svg`);
  await writeFileAtomic(timeline, await renderSvg(timelineSpec(draft)));
  plots.push(timeline);
  if (draft.runs.length > 1) {
    const bars = join(dir, `${stem}-throughput-compare.svg`);
    await writeFileAtomic(bars, await renderSvg(compareSpec(draft)));
    plots.push(bars);
  }
  const report = make(plots);
  const markdown = join(dir, `${stem}.md`);
  await writeFileAtomic(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(markdown, renderMarkdown(report, paper, notes));
  return { json: reportPath, markdown, plots, report };
}
