/**
 * `pnpm bench:sched --scenario FILE` and `--matrix DIR|FILES`: scenario files as simulation runs.
 * A scenario runs its systems at each of its N; the matrix runs every scenario (its `matrix`
 * section: N and systems) plus, for a never-release scenario, the same with releases, and prints
 * the per-cell table, the per-system summary and the policy-v2 target lines.
 * @module
 */
import { performance } from "node:perf_hooks";
import { callerCwd, resolveFromCaller } from "@thunderagent/cli-kit";
import { writeFileAtomic } from "@thunderagent/swebench";
import { z } from "zod";
import { matrixCells, matrixTargets, systemSummaries } from "./matrix.js";
import { cellsTable, formatTargetResults, summaryTable } from "./matrix-report.js";
import { aggregate } from "./results.js";
import { scenarioJobs, withReleases } from "./scenario-jobs.js";
import {
  ScenarioError,
  issueLine,
  loadScenario,
  loadScenarios,
  parseText,
  readText,
  type LoadedScenario,
} from "./scenario-load.js";
import { SystemSpec } from "./scenario-schema.js";
import { jobLabel, type Job } from "./systems.js";
import { runJobs } from "./thread-pool.js";

export interface ScenarioRunOptions {
  /** One scenario file. */
  scenario?: string | undefined;
  /** Directories and files, comma-separated. */
  matrix?: string | undefined;
  /** A YAML/JSON list of systems added to every scenario. */
  withSystems?: string | undefined;
  seeds: number;
  seed: number;
  workers: number;
  json?: string | undefined;
}

export interface ScenarioIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const SystemsFile = z.union([
  z.array(SystemSpec).min(1),
  z.object({ systems: z.array(SystemSpec).min(1) }).strict(),
]);

/** The systems of a `--with-systems` file. */
export function loadSystems(file: string): SystemSpec[] {
  const r = SystemsFile.safeParse(parseText(readText(file), file));
  if (!r.success) throw new ScenarioError(`${file}: ${issueLine(r.error)}`);
  return Array.isArray(r.data) ? r.data : r.data.systems;
}

/** The scenarios and the jobs a command line asks for. */
export function planScenarioRun(o: ScenarioRunOptions): {
  scenarios: LoadedScenario[];
  jobs: Job[];
} {
  const extraSystems = o.withSystems ? loadSystems(resolveFromCaller(o.withSystems)) : [];
  const seeds = { seeds: o.seeds, firstSeed: o.seed, extraSystems };
  if (o.scenario) {
    const s = loadScenario(resolveFromCaller(o.scenario));
    return { scenarios: [s], jobs: scenarioJobs(s, seeds) };
  }
  const paths = (o.matrix ?? "")
    .split(",")
    .filter((p) => p !== "")
    .map((p) => resolveFromCaller(p));
  const scenarios = loadScenarios(paths).filter((s) => s.scenario.matrix?.include !== false);
  const jobs = scenarios.flatMap((s) => {
    const own = scenarioJobs(s, { ...seeds, matrix: true });
    if (s.scenario.client.release) return own;
    // The same scenario with releases, for the routers (the never-release target's reference).
    const twin = scenarioJobs(withReleases(s), { ...seeds, matrix: true });
    return [...own, ...twin.filter((j) => j.system !== "vllm" && j.system !== "continuum")];
  });
  return { scenarios, jobs };
}

/** Runs the scenario or the matrix; the exit code (2 for a bad file). */
export async function runScenarioMode(o: ScenarioRunOptions, io: ScenarioIo): Promise<number> {
  let plan: { scenarios: LoadedScenario[]; jobs: Job[] };
  try {
    plan = planScenarioRun(o);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    io.err(`bench:sched: ${e.message.split(`${callerCwd()}/`).join("")}\n`);
    return 2;
  }
  const t0 = performance.now();
  io.err(`bench:sched: ${plan.jobs.length} simulations on ${o.workers} worker(s)\n`);
  const runs = await runJobs(plan.jobs, o.workers, (done, total, job, row) => {
    io.err(
      `  [${done}/${total}] ${jobLabel(job)}: ${row.stepsPerMin.toFixed(1)} steps/min, hit ${(100 * row.kvHitRate).toFixed(1)} %, ${row.wallS.toFixed(1)} s\n`,
    );
  });
  const wall = (performance.now() - t0) / 1000;
  const cells = matrixCells(aggregate(runs));
  const matrix = o.matrix !== undefined && o.scenario === undefined;
  const names = plan.scenarios.map((s) => s.scenario.name).join(", ");
  const out = [
    matrix
      ? `## Scenario matrix (${names}; ${o.seeds} seed(s) from ${o.seed})`
      : `## Scenario ${names} (${o.seeds} seed(s) from ${o.seed})`,
    "",
    cellsTable(cells),
    "",
  ];
  const summaries = systemSummaries(cells);
  const targets = Object.fromEntries(
    summaries.map((s) => [s.system, matrixTargets(cells, s.system)]),
  );
  if (matrix) {
    out.push(summaryTable(cells), "", formatTargetResults(targets["default"] ?? []), "");
  }
  out.push(
    `wall time: ${wall.toFixed(1)} s for ${plan.jobs.length} simulations on ${o.workers} worker(s)`,
  );
  io.out(`${out.join("\n")}\n`);
  if (o.json) {
    const body = {
      scenarios: names.split(", "),
      seeds: o.seeds,
      firstSeed: o.seed,
      cells,
      summaries,
      targets,
      wallS: wall,
    };
    await writeFileAtomic(resolveFromCaller(o.json), `${JSON.stringify(body, null, 1)}\n`);
  }
  return 0;
}
