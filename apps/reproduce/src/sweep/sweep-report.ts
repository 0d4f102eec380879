/**
 * The report over all of a sweep's cells: `report.json` (protocol's SweepReport, validated), a
 * markdown rendering with the table and the scope of the mode, the figures against N (SVG, PNG,
 * PDF) and each cell's timeline (SVG, in the cell's directory).
 * @module
 */
import { basename, join } from "node:path";
import {
  SweepReport,
  parseOrThrow,
  type SweepCellResult,
  type SweepManifest,
} from "@thunderagent/protocol";
import type { ProfileName } from "@thunderagent/engine-sim/profiles";
import { writeFileAtomic } from "@thunderagent/swebench";
import { renderSvg } from "../plots.js";
import { aggregate } from "./aggregate.js";
import { cellTimelineSpec, versusNSpec } from "./figures.js";
import { writeFigure } from "./render.js";
import { SCOPE } from "./scope.js";
import { cellDir } from "./store.js";

export function buildSweepReport(
  m: SweepManifest,
  cells: readonly SweepCellResult[],
  figures: readonly string[],
  now = new Date(),
): SweepReport {
  const { points, speedups } = aggregate(m.preset as ProfileName, cells);
  return parseOrThrow(
    SweepReport,
    {
      schema_version: 1,
      sweep_id: m.sweep_id,
      preset: m.preset,
      model: m.model,
      mode: m.mode,
      generated_at: now.toISOString(),
      window: m.window,
      scope: SCOPE[m.mode],
      cells_planned: m.cells.length,
      cells_finished: cells.length,
      points,
      speedups,
      figures: [...figures],
      cells: [...cells],
    },
    "sweep report",
  );
}

const LABEL = { thunderagent: "ThunderAgent", vllm: "vLLM" } as const;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function renderSweepMarkdown(r: SweepReport): string {
  const lines = [
    `# Sweep ${r.sweep_id}: ${r.model} (${r.mode})`,
    "",
    `Generated ${r.generated_at}; ${r.cells_finished} of ${r.cells_planned} cells finished. ` +
      `Window: minutes ${r.window.start_min}–${r.window.end_min}${r.mode === "real" ? "" : " (simulated)"}.`,
    "",
    "What this mode can show:",
    ...r.scope.can_show.map((s) => `- ${s}`),
    "",
    "What it cannot:",
    ...r.scope.cannot_show.map((s) => `- ${s}`),
    "",
    "| N | system | rounds | steps/min mean (min–max) | KV hit mean | paper steps/min | paper KV hit |",
    "|---|---|---|---|---|---|---|",
    ...r.points.map((p) => {
      const s = p.steps_per_min;
      return (
        `| ${p.n} | ${LABEL[p.system]} | ${p.rounds} | ${s.mean.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)}) | ` +
        `${p.kv_hit_rate ? pct(p.kv_hit_rate.mean) : "n/a"} | ${p.paper ? p.paper.steps_per_min.toFixed(1) : "–"} | ` +
        `${p.paper ? pct(p.paper.kv_hit_rate) : "–"} |`
      );
    }),
    "",
  ];
  if (r.speedups.length > 0) {
    lines.push(
      `Speedup (ThunderAgent ÷ vLLM, means): ${r.speedups.map((s) => `N=${s.n} ${s.speedup.toFixed(2)}×`).join(", ")}.`,
      "",
    );
  }
  for (const f of r.figures.filter((p) => p.endsWith(".svg"))) {
    lines.push(`![${basename(f)}](${basename(f)})`, "");
  }
  return lines.join("\n");
}

/** Figures, each cell's timeline, JSON and markdown; returns the report and its paths. */
export async function writeSweepReport(
  sweepDir: string,
  m: SweepManifest,
  cells: readonly SweepCellResult[],
): Promise<{ report: SweepReport; json: string; markdown: string }> {
  const draft = buildSweepReport(m, cells, []);
  const figures = [
    ...(await writeFigure(join(sweepDir, "steps-vs-n"), versusNSpec(draft, "steps_per_min"))),
    ...(await writeFigure(join(sweepDir, "kv-hit-vs-n"), versusNSpec(draft, "kv_hit_rate"))),
  ];
  for (const c of cells) {
    const svg = await renderSvg(cellTimelineSpec(c, m.window, m.model));
    await writeFileAtomic(join(cellDir(sweepDir, c.cell.id), "timeline.svg"), svg);
  }
  const report = buildSweepReport(m, cells, figures);
  const json = join(sweepDir, "report.json");
  const markdown = join(sweepDir, "report.md");
  await writeFileAtomic(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(markdown, renderSweepMarkdown(report));
  return { report, json, markdown };
}
