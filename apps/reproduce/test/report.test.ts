import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ReproduceReport } from "@thunderagent/protocol";
import { describe, expect, it } from "vitest";
import { PRESETS } from "../src/presets.js";
import { buildReport, renderMarkdown, writeReport } from "../src/report.js";
import { countWindow } from "../src/window.js";
import { tempDir } from "./helpers.js";

const T0 = 1_700_000_000;
const plan = {
  preset: PRESETS["glm4.6"],
  model: PRESETS["glm4.6"].model,
  mode: "simulated" as const,
  window: { startMin: 10, endMin: 70 },
  timeScale: 0.025,
};
const minuteS = 1.5;
const ta = countWindow(
  Array.from({ length: 2000 }, (_, i) => ({ completedAt: T0 + i * 0.06, kvHitRate: 0.95 })),
  T0,
  plan.window,
  minuteS,
);
const vl = countWindow(
  Array.from({ length: 800 }, (_, i) => ({
    completedAt: T0 + i * 0.15,
    promptTokens: 100,
    cachedTokens: 30,
  })),
  T0,
  plan.window,
  minuteS,
);
const results = [
  {
    system: "thunderagent" as const,
    startedAt: T0,
    count: ta,
    source: "/x/step_profiles.csv",
    workers: 24,
  },
  { system: "vllm" as const, startedAt: T0, count: vl, source: "/x/out", workers: 24 },
];

describe("report", () => {
  it("validates against @thunderagent/protocol and carries the speedup", () => {
    const r = buildReport(plan, results, []);
    expect(ReproduceReport.safeParse(r).success).toBe(true);
    expect(r.speedup).toBeCloseTo(ta.stepsPerMin / vl.stepsPerMin, 10);
    expect(r.runs[0]?.steps_per_minute_series.length).toBe(ta.series.length);
    expect(r.time_scale).toBe(0.025);
  });

  it("has no speedup with one system", () => {
    expect(buildReport(plan, results.slice(0, 1), []).speedup).toBeNull();
  });

  it("refuses a report that would not validate", () => {
    expect(() => buildReport(plan, [], [])).toThrow(/invalid reproduce report: runs/);
  });

  it("writes JSON, markdown and the SVG plots, atomically", async () => {
    const dir = tempDir();
    const path = join(dir, "sub", "result.json");
    const w = await writeReport(path, (plots) => buildReport(plan, results, plots), {
      thunderagent: 371.1,
      vllm: 140.1,
      workers: 96,
    });
    const json = JSON.parse(readFileSync(path, "utf8")) as unknown;
    expect(ReproduceReport.parse(json).plots).toEqual(w.plots);
    expect(w.plots.map((p) => p.slice(dir.length))).toEqual([
      "/sub/result-steps-over-time.svg",
      "/sub/result-throughput-compare.svg",
    ]);
    for (const p of w.plots) {
      const svg = readFileSync(p, "utf8");
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg).toContain("ThunderAgent");
      expect(svg).toContain("vLLM");
    }
    const md = readFileSync(w.markdown, "utf8");
    expect(md).toContain("| ThunderAgent | 24 |");
    expect(md).toContain("Speedup:");
    expect(md).toContain("371.1");
    expect(existsSync(join(dir, "sub"))).toBe(true);
  });

  it("renders a one-system report without the comparison", () => {
    const md = renderMarkdown(buildReport(plan, results.slice(1), []), null);
    expect(md).toContain("| vLLM |");
    expect(md).not.toContain("Speedup");
  });
});
