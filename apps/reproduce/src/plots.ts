/**
 * SVG plots with vega-lite (spec) and vega (headless rendering, no canvas): steps per minute over
 * time for each system, and with --compare the throughput bars of the seed's figure.
 * @module
 */
import { compile, type TopLevelSpec } from "vega-lite";
import { View, parse } from "vega";
import type { ReproduceReport } from "@thunderagent/protocol";

export const SYSTEM_LABEL: Record<string, string> = {
  thunderagent: "ThunderAgent",
  vllm: "vLLM",
};
export const COLORS = { domain: ["ThunderAgent", "vLLM"], range: ["#d62728", "#1f77b4"] };

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vg = compile(spec).spec;
  const view = new View(parse(vg), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function unitLabel(report: ReproduceReport): string {
  return report.mode === "simulated" ? "simulated minutes since start" : "minutes since start";
}

/** Steps completed in each minute, one line per system, the measurement window shaded. */
export function timelineSpec(report: ReproduceReport): TopLevelSpec {
  const values = report.runs.flatMap((run) =>
    run.steps_per_minute_series.map((steps, minute) => ({
      system: SYSTEM_LABEL[run.system] ?? run.system,
      minute: minute + 0.5,
      steps,
    })),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `${report.model}: steps per minute over time (${report.mode})`,
    width: 640,
    height: 300,
    background: "white",
    layer: [
      {
        data: { values: [{ a: report.window.start_min, b: report.window.end_min }] },
        mark: { type: "rect", color: "#eeeeee" },
        encoding: { x: { field: "a", type: "quantitative" }, x2: { field: "b" } },
      },
      {
        data: { values },
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "minute", type: "quantitative", title: unitLabel(report) },
          y: { field: "steps", type: "quantitative", title: "steps (LLM calls) per minute" },
          color: { field: "system", type: "nominal", scale: COLORS, title: "system" },
        },
      },
    ],
  };
}

/** Throughput bars (steps/min in the window), labelled, with the speedup in the title. */
export function compareSpec(report: ReproduceReport): TopLevelSpec {
  const values = report.runs.map((run) => ({
    system: SYSTEM_LABEL[run.system] ?? run.system,
    stepsPerMin: Number(run.steps_per_min.toFixed(1)),
  }));
  const speedup = report.speedup === null ? "" : ` (${report.speedup.toFixed(2)}× vLLM)`;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `${report.model}, ${report.runs[0]?.workers ?? "?"} parallel programs: throughput${speedup}`,
    width: 320,
    height: 300,
    background: "white",
    data: { values },
    encoding: {
      x: {
        field: "system",
        type: "nominal",
        title: null,
        sort: ["vLLM", "ThunderAgent"],
        axis: { labelAngle: 0 },
      },
      y: { field: "stepsPerMin", type: "quantitative", title: "steps/min" },
    },
    layer: [
      {
        mark: { type: "bar" },
        encoding: { color: { field: "system", type: "nominal", scale: COLORS, legend: null } },
      },
      {
        mark: { type: "text", dy: -8 },
        encoding: { text: { field: "stepsPerMin", type: "quantitative" } },
      },
    ],
  };
}
