/**
 * Deciding how a system's steps are counted, once its processes are stopped: router runs from the
 * router's step_profiles.csv (the engines' served calls as a cross-check); baseline runs from the
 * engines' served-call counters, else from the runner's trajectories.
 * @module
 */
import { servedCallsSource } from "./engine-meter.js";
import type { Plan, SystemPlan } from "./plan-types.js";
import { readProfileSteps, readTrajectorySteps } from "./steps.js";
import { countWindow, type WindowCount } from "./window.js";

export interface SystemCount {
  readonly count: WindowCount;
  /** Where the count came from (a path, or the engines' /metrics). */
  readonly source: string;
  readonly notes: string[];
}

async function countFromProfile(
  plan: Plan,
  sys: SystemPlan,
  path: string,
  t0: number,
  metered: WindowCount | null,
): Promise<SystemCount> {
  const count = countWindow(await readProfileSteps(path), t0, plan.window, plan.minuteS);
  const notes = metered
    ? [
        `${sys.system}: cross-check: the engine served ${metered.stepsCounted} calls in the window, the router profiled ${count.stepsCounted}.`,
      ]
    : [];
  return { count, source: path, notes };
}

async function countFromEngineOrTrajectories(
  plan: Plan,
  sys: SystemPlan,
  dirs: readonly string[],
  t0: number,
  metered: WindowCount | null,
): Promise<SystemCount> {
  const parts = await Promise.all(dirs.map((d) => readTrajectorySteps(d)));
  const steps = parts.flatMap((x) => x.steps);
  const files = parts.reduce((n, x) => n + x.files, 0);
  const invalid = parts.flatMap((x) => x.invalid);
  const notes: string[] = [];
  if (invalid.length > 0) {
    notes.push(
      `${sys.system}: ${invalid.length} trajectory file(s) did not validate and were skipped.`,
    );
  }
  const fromTraj = countWindow(steps, t0, plan.window, plan.minuteS);
  if (!metered) {
    notes.push(
      `${sys.system}: counted from the runner's trajectories (no engine /metrics); instances still running when the window closed are missing.`,
    );
    return { count: fromTraj, source: dirs.join(","), notes };
  }
  notes.push(
    `${sys.system}: counted from the engine's served calls (${metered.stepsCounted} in the window); ` +
      `the runner's trajectories hold ${fromTraj.stepsCounted} of them (${files} instances recorded; ` +
      "the runner does not record instances interrupted when the window closes).",
  );
  return {
    count: metered,
    source: `${sys.engineUrls.join(",")} ${servedCallsSource(plan.backendType)}`,
    notes,
  };
}

/** `metered`: the same window counted from the engines' /metrics (null if not covered). */
export function countSystem(
  plan: Plan,
  sys: SystemPlan,
  t0: number,
  metered: WindowCount | null,
): Promise<SystemCount> {
  const src = sys.stepSource;
  return src.kind === "profile-csv"
    ? countFromProfile(plan, sys, src.path, t0, metered)
    : countFromEngineOrTrajectories(plan, sys, src.dirs, t0, metered);
}
