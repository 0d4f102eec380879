/**
 * SVG plots rendered in Node with vega-lite (compiled) and vega (headless view, no canvas):
 * throughput and hit rate vs N per system (the paper's figs. 4 and 5, paper values dashed), the
 * steps-per-minute time series, and the data-parallel memory imbalance over time.
 * @module
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { join } from "node:path";
import { writeFileAtomic } from "@thunderagent/swebench";
import { PAPER } from "@thunderagent/engine-sim/profiles";
import { systemKey, type AggRow, type RunRow } from "./results.js";
import { ORIGINAL_VARIANT } from "./systems.js";

async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

interface Point {
  profile: string;
  n: number;
  series: string;
  source: string;
  value: number;
}

function versusN(rows: readonly AggRow[], metric: "spm" | "hit"): Point[] {
  const pts: Point[] = [];
  for (const r of rows) {
    if (r.system.includes(" dp")) continue;
    if (r.system.includes("[") && r.system !== `router-tr [${ORIGINAL_VARIANT}]`) continue;
    pts.push({
      profile: r.profile,
      n: r.n,
      series: r.system,
      source: "simulation",
      value: metric === "spm" ? r.steps_per_min : 100 * r.kv_hit_rate,
    });
  }
  const profiles = new Set(rows.map((r) => r.profile));
  for (const p of PAPER) {
    if (!profiles.has(p.profile)) continue;
    const add = (series: string, v: { stepsPerMin: number; hitRate: number }) =>
      pts.push({
        profile: p.profile,
        n: p.n,
        series,
        source: "paper",
        value: metric === "spm" ? v.stepsPerMin : 100 * v.hitRate,
      });
    add("paper vLLM", p.vllm);
    add("paper Continuum", p.continuum);
    add("paper ThunderAgent", p.thunderagent);
  }
  return pts;
}

function versusNSpec(points: Point[], title: string, yTitle: string): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    data: { values: points },
    facet: { column: { field: "profile", type: "nominal", title: null } },
    resolve: { scale: { x: "independent" } },
    spec: {
      width: 320,
      height: 240,
      mark: { type: "line", point: true },
      encoding: {
        x: {
          field: "n",
          type: "quantitative",
          title: "parallel programs N",
          scale: { zero: false },
        },
        y: { field: "value", type: "quantitative", title: yTitle },
        color: { field: "series", type: "nominal", title: "system", legend: { labelLimit: 320 } },
        strokeDash: { field: "source", type: "nominal", title: "source" },
      },
    },
  } as TopLevelSpec;
}

function timeSeriesSpec(runs: readonly RunRow[]): TopLevelSpec | null {
  const pick = runs.filter(
    (r) =>
      r.profile === "glm4.6" &&
      r.n === 96 &&
      r.backends === 1 &&
      (!r.variant || r.variant === ORIGINAL_VARIANT),
  );
  const seed = Math.min(...pick.map((r) => r.seed));
  const values: { minute: number; system: string; steps: number }[] = [];
  for (const r of pick) {
    if (r.seed !== seed) continue;
    r.stepsPerMinute.forEach((steps, minute) =>
      values.push({ minute, system: systemKey(r), steps }),
    );
  }
  if (values.length === 0) return null;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Completed LLM calls per minute, GLM-4.6 N=96 (seed ${seed}); window = minutes 10–70`,
    width: 640,
    height: 280,
    data: { values },
    mark: { type: "line" },
    encoding: {
      x: { field: "minute", type: "quantitative", title: "virtual time (min)" },
      y: { field: "steps", type: "quantitative", title: "steps/min" },
      color: { field: "system", type: "nominal" },
    },
  } as TopLevelSpec;
}

function imbalanceSpec(runs: readonly RunRow[]): TopLevelSpec | null {
  const dp = runs.filter((r) => r.backends > 1 && r.memory);
  const seed = Math.min(...dp.map((r) => r.seed));
  const values: { t: number; system: string; replica: string; usage: number }[] = [];
  for (const r of dp) {
    if (r.seed !== seed) continue;
    for (const m of r.memory ?? []) {
      m.heldTokens.forEach((u, i) =>
        values.push({ t: m.t / 60, system: systemKey(r), replica: `replica ${i}`, usage: 100 * u }),
      );
    }
  }
  if (values.length === 0) return null;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Program-held KV per replica (% of capacity), GLM-4.6 N=192, 2 replicas (seed ${seed})`,
    data: { values },
    facet: { row: { field: "system", type: "nominal", title: null } },
    spec: {
      width: 640,
      height: 160,
      mark: { type: "line" },
      encoding: {
        x: { field: "t", type: "quantitative", title: "virtual time (min)" },
        y: { field: "usage", type: "quantitative", title: "% of capacity" },
        color: { field: "replica", type: "nominal" },
      },
    },
  } as TopLevelSpec;
}

/** Writes the plots into `dir`; returns the files written. */
export async function writePlots(
  dir: string,
  agg: readonly AggRow[],
  runs: readonly RunRow[],
): Promise<string[]> {
  const written: string[] = [];
  const emit = async (name: string, spec: TopLevelSpec | null) => {
    if (!spec) return;
    const path = join(dir, name);
    await writeFileAtomic(path, await toSvg(spec));
    written.push(path);
  };
  await emit(
    "sched-throughput.svg",
    versusNSpec(
      versusN(agg, "spm"),
      "Serving throughput vs parallel programs (cf. paper fig. 4)",
      "steps/min",
    ),
  );
  await emit(
    "sched-hit-rate.svg",
    versusNSpec(
      versusN(agg, "hit"),
      "Prefix-cache hit rate vs parallel programs (cf. paper fig. 5)",
      "KV hit rate (%)",
    ),
  );
  await emit("sched-timeseries.svg", timeSeriesSpec(runs));
  await emit("sched-dp-memory.svg", imbalanceSpec(runs));
  return written;
}
