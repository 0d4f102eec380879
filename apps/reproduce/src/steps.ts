/**
 * Where the completed steps are read from: the router's `step_profiles.csv`, or, for the plain-vLLM
 * baseline, the per-step timings in the runner's trajectories (`<output>/<id>/<id>.traj.json`).
 * @module
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { Trajectory, decodeStepProfileCsv } from "@thunderagent/protocol";
import { ReproduceError } from "./errors.js";
import type { StepCompletion } from "./window.js";

export async function readProfileSteps(csvPath: string): Promise<StepCompletion[]> {
  let text: string;
  try {
    text = await readFile(csvPath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ReproduceError(
        "no_profile_csv",
        `the router wrote no ${csvPath}: was the proxy started with --profile --profile-dir, and did any step finish?`,
      );
    }
    throw err;
  }
  return decodeStepProfileCsv(text).map((r) => ({
    completedAt: r.completed_at,
    kvHitRate: r.kv_hit_rate,
  }));
}

export interface TrajectorySteps {
  readonly steps: StepCompletion[];
  readonly files: number;
  readonly invalid: string[];
}

export async function readTrajectorySteps(outputDir: string): Promise<TrajectorySteps> {
  const steps: StepCompletion[] = [];
  const invalid: string[] = [];
  let files = 0;
  let entries: string[];
  try {
    entries = await readdir(outputDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { steps, files, invalid };
    throw err;
  }
  for (const id of entries.sort()) {
    const path = join(outputDir, id, `${id}.traj.json`);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch {
      continue;
    }
    files++;
    let traj;
    try {
      traj = Trajectory.safeParse(JSON.parse(text));
    } catch {
      invalid.push(path);
      continue;
    }
    if (!traj.success) {
      invalid.push(path);
      continue;
    }
    for (const t of traj.data.info.step_timings) {
      steps.push({
        completedAt: t.last_token,
        promptTokens: t.prompt_tokens,
        cachedTokens: t.cached_tokens,
      });
    }
  }
  return { steps, files, invalid };
}
