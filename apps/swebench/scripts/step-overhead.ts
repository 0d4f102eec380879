/**
 * The agent's own overhead per step, from trajectories' `step_timings` (agent-overhead.ts,
 * bench-runner.ts): a step's wall time (its query start to the next step's, or to its own end)
 * minus its model time (`last_token − query_start`) minus its tool time
 * (`tool_end − tool_start`): parsing, templates, bookkeeping and waiting for the event loop.
 * @module
 */
import { readFileSync } from "node:fs";
import type { StepTiming } from "@thunderagent/protocol";
import { trajectoryPath } from "../src/index.js";

export interface StepSplit {
  overheads: number[];
  /** The overhead's first part: the model's last token to the tool's start (or the step's end). */
  afterModel: number[];
  /** Its second part: the tool's end to the next query (0 for a step without a tool). */
  afterTool: number[];
  modelTimes: number[];
  toolTimes: number[];
  /** Each step's whole wall time: its query start to the next step's (or to its own end). */
  stepTimes: number[];
}

/** Seconds per step, over every run's steps. */
export function splitSteps(runs: readonly StepTiming[][]): StepSplit {
  const split: StepSplit = {
    overheads: [],
    afterModel: [],
    afterTool: [],
    modelTimes: [],
    toolTimes: [],
    stepTimes: [],
  };
  for (const run of runs) {
    run.forEach((t, i) => {
      const model = t.last_token - t.query_start;
      const tool = t.tool_start !== null && t.tool_end !== null ? t.tool_end - t.tool_start : 0;
      const next = run[i + 1];
      const end = next ? next.query_start : (t.tool_end ?? t.last_token);
      split.stepTimes.push(end - t.query_start);
      split.modelTimes.push(model);
      split.toolTimes.push(tool);
      split.overheads.push(end - t.query_start - model - tool);
      const toolRan = t.tool_start !== null && t.tool_end !== null;
      split.afterModel.push((toolRan ? t.tool_start! : end) - t.last_token);
      split.afterTool.push(toolRan ? end - t.tool_end! : 0);
    });
  }
  return split;
}

/** The `step_timings` of each instance's trajectory under `outputDir`. */
export function readStepTimings(outputDir: string, ids: readonly string[]): StepTiming[][] {
  return ids.map((id) => {
    const traj = JSON.parse(readFileSync(trajectoryPath(outputDir, id), "utf8")) as {
      info: { step_timings?: StepTiming[] };
    };
    return traj.info.step_timings ?? [];
  });
}

/** The `p` quantile (0–1) of `xs`, NaN when empty. */
export function quantile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
}
