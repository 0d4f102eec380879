/**
 * The sweep's figures in the paper's style (figs. 4 and 5): steps/min against N and KV hit rate
 * against N, one line per system through the means, a bar from the lowest to the highest round,
 * and the paper's points overlaid as labelled diamonds. Plus a cell's timeline (whole minutes
 * only). vega-lite specs; sweep/render.ts draws them.
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import type { SweepCellResult, SweepPoint, SweepReport } from "@thunderagent/protocol";
import { COLORS, SYSTEM_LABEL } from "../plots.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
type Measure = "steps_per_min" | "kv_hit_rate";

const MODE_LABEL: Record<SweepReport["mode"], string> = {
  real: "measured",
  simulated: "engine-sim pipeline",
  virtual: "virtual-time simulation",
};

function rows(points: readonly SweepPoint[], m: Measure, scale: number) {
  const ours = points.flatMap((p) => {
    const s = p[m];
    if (!s) return [];
    const label = SYSTEM_LABEL[p.system] ?? p.system;
    return [{ n: p.n, system: label, mean: s.mean * scale, lo: s.min * scale, hi: s.max * scale }];
  });
  const paper = points.flatMap((p) =>
    p.paper
      ? [
          {
            n: p.n,
            system: SYSTEM_LABEL[p.system] ?? p.system,
            value: p.paper[m] * scale,
            label: `paper ${(p.paper[m] * scale).toFixed(0)}`,
          },
        ]
      : [],
  );
  return { ours, paper };
}

export function versusNSpec(report: SweepReport, m: Measure): TopLevelSpec {
  const pct = m === "kv_hit_rate";
  const { ours, paper } = rows(report.points, m, pct ? 100 : 1);
  const yTitle = pct ? "KV cache hit rate (%)" : "steps/min (minutes 10–70)";
  const color = {
    field: "system",
    type: "nominal" as const,
    scale: COLORS,
    title: "system",
    legend: { orient: "bottom" as const },
  };
  const x = {
    field: "n",
    type: "quantitative" as const,
    title: "parallel programs (N)",
    scale: { zero: false, padding: 30 },
    axis: { values: [...new Set(report.points.map((p) => p.n))], labelAngle: 0 },
  };
  return {
    $schema: SCHEMA,
    title: {
      text: `${report.model}: ${pct ? "KV hit rate" : "throughput"} vs parallel programs`,
      subtitle: `${MODE_LABEL[report.mode]}; lines: mean over rounds, bars: min–max; ◆ the paper (8×H100)`,
    },
    width: 520,
    height: 320,
    background: "white",
    layer: [
      {
        data: { values: ours },
        mark: { type: "rule", strokeWidth: 2, opacity: 0.6 },
        encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color },
      },
      {
        data: { values: ours },
        mark: { type: "line", point: { filled: true, size: 50 } },
        encoding: {
          x,
          y: {
            field: "mean",
            type: "quantitative",
            title: yTitle,
            ...(pct ? { scale: { domain: [0, 100] } } : {}),
          },
          color,
        },
      },
      {
        data: { values: paper },
        mark: { type: "point", shape: "diamond", size: 120, filled: false, strokeWidth: 2 },
        encoding: { x, y: { field: "value", type: "quantitative" }, color },
      },
      // The paper's labels: ThunderAgent's above its diamond, vLLM's below, so they never collide.
      ...(["ThunderAgent", "vLLM"] as const).map((sys) => ({
        data: { values: paper.filter((p) => p.system === sys) },
        mark: { type: "text" as const, dy: sys === "vLLM" ? 16 : -14, fontSize: 10 },
        encoding: {
          x,
          y: { field: "value", type: "quantitative" as const },
          text: { field: "label" },
          color,
        },
      })),
    ],
  };
}

/** One cell's steps per whole minute, the window shaded. */
export function cellTimelineSpec(
  cell: SweepCellResult,
  window: SweepReport["window"],
  model: string,
): TopLevelSpec {
  const values = cell.steps_per_minute_series.map((steps, i) => ({ minute: i + 0.5, steps }));
  const unit = cell.mode === "real" ? "minutes since start" : "simulated minutes since start";
  return {
    $schema: SCHEMA,
    title: `${model}, ${cell.cell.id}: steps per minute (whole minutes)`,
    width: 560,
    height: 240,
    background: "white",
    layer: [
      {
        data: { values: [{ a: window.start_min, b: window.end_min }] },
        mark: { type: "rect", color: "#eeeeee" },
        encoding: { x: { field: "a", type: "quantitative" }, x2: { field: "b" } },
      },
      {
        data: { values },
        mark: { type: "line", color: COLORS.range[cell.cell.system === "vllm" ? 1 : 0] ?? "black" },
        encoding: {
          x: { field: "minute", type: "quantitative", title: unit },
          y: { field: "steps", type: "quantitative", title: "steps per minute" },
        },
      },
    ],
  };
}
