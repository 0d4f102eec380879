/**
 * `pnpm bench:sched`: the scheduling benchmark. Simulates the sweep in virtual time
 * (engine-sim's EngineModel + router-core's Router + N closed-loop agents), prints the markdown
 * table and the PASS/FAIL target lines, and writes the JSON rows and the SVG plots.
 * @module
 */
import { performance } from "node:perf_hooks";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "@thunderagent/swebench";
import { optionsOrExitCode } from "@thunderagent/cli-kit";
import { readCommandLine, type CliOptions } from "./cli.js";
import { writePlots } from "./plots.js";
import { runJobs } from "./thread-pool.js";
import { dpSummary, formatTargets, measuresTable, resultsTable, targetLines } from "./report.js";
import { runScenarioMode } from "./scenario-main.js";
import { experimentJobs, verdictTable, verdicts } from "./experiments.js";
import { aggregate } from "./results.js";
import { checkResults, checks, checksTable } from "./checks.js";
import { fidelityRows, formatFidelity } from "./fidelity.js";
import { sweepJobs } from "./sweeps.js";
import { jobLabel, type Job } from "./systems.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
/** The default plots directory is the repository's; a path given on the command line is already absolute. */
const fromRoot = (p: string) => (isAbsolute(p) ? p : join(repoRoot, p));

export function selectJobs(o: CliOptions): Job[] {
  if (o.experiments) return experimentJobs(o.seeds, o.seed);
  let jobs = sweepJobs({ quick: o.quick, seeds: o.seeds, firstSeed: o.seed });
  if (!o.dp) jobs = jobs.filter((j) => j.backends === 1);
  if (o.profile) jobs = jobs.filter((j) => j.profile === o.profile);
  if (o.ns) jobs = jobs.filter((j) => o.ns!.includes(j.n));
  if (o.systems) jobs = jobs.filter((j) => o.systems!.includes(j.system));
  return jobs.map((j) => ({
    ...j,
    ...(o.workload ? { workload: o.workload } : {}),
    ...(o.engine ? { engine: o.engine } : {}),
    ...(o.routerOptions ? { routerOptions: o.routerOptions } : {}),
    ...(o.scrapePolicy ? { scrapePolicy: o.scrapePolicy } : {}),
    ...(o.variant ? { variant: o.variant } : {}),
    ...(o.duration !== undefined ? { durationS: o.duration } : {}),
    ...(o.schedulerInterval !== undefined ? { schedulerIntervalS: o.schedulerInterval } : {}),
  }));
}

async function main(argv: readonly string[]): Promise<number> {
  const o = await optionsOrExitCode("bench:sched", () => readCommandLine(argv));
  if (typeof o === "number") return o;
  if (o.checks) return runChecks(o);
  if (o.scenario !== undefined || o.matrix !== undefined) {
    const write = (w: NodeJS.WriteStream) => (t: string) => void w.write(t);
    return runScenarioMode(o, { out: write(process.stdout), err: write(process.stderr) });
  }
  const jobs = selectJobs(o);
  if (jobs.length === 0) {
    process.stderr.write("bench:sched: the filters leave no run to do\n");
    return 2;
  }
  const t0 = performance.now();
  process.stderr.write(`bench:sched: ${jobs.length} simulations on ${o.workers} worker(s)\n`);
  const runs = await runJobs(jobs, o.workers, (done, total, job, row) => {
    process.stderr.write(
      `  [${done}/${total}] ${jobLabel(job)}: ${row.stepsPerMin.toFixed(1)} steps/min, hit ${(100 * row.kvHitRate).toFixed(1)} %, ${row.wallS.toFixed(1)} s\n`,
    );
  });
  const wall = (performance.now() - t0) / 1000;
  const agg = aggregate(runs);
  const targets = targetLines(agg);
  const out = [
    "## Scheduling benchmark (virtual time, steps/min over minutes 10–70)",
    "",
    resultsTable(agg),
    "",
    measuresTable(agg),
    "",
    dpSummary(agg),
    "",
    o.experiments ? verdictTable(verdicts(runs)) : formatFidelity(fidelityRows(agg)),
    "",
    o.experiments ? "" : formatTargets(targets),
    "",
    `wall time: ${wall.toFixed(1)} s for ${jobs.length} simulations on ${o.workers} worker(s)`,
  ];
  process.stdout.write(`${out.join("\n")}\n`);
  if (o.json) {
    await writeFileAtomic(fromRoot(o.json), `${JSON.stringify(agg, null, 1)}\n`);
  }
  const plotsDir = o.plotsDir ?? (o.quick || o.experiments ? "" : "docs/results");
  if (plotsDir !== "") {
    const files = await writePlots(fromRoot(plotsDir), agg, runs);
    process.stderr.write(`bench:sched: plots: ${files.join(", ")}\n`);
  }
  return 0;
}

/** `--checks`: the further out-of-sample checks, simulated vs paper. */
async function runChecks(o: CliOptions): Promise<number> {
  const list = checks(o.seeds, o.seed);
  const t0 = performance.now();
  process.stderr.write(`bench:sched: ${list.length} check simulations on ${o.workers} worker(s)\n`);
  const runs = await runJobs(
    list.map((c) => c.job),
    o.workers,
    (done, total, job, row) => {
      process.stderr.write(
        `  [${done}/${total}] ${jobLabel(job)}: ${row.stepsPerMin.toFixed(1)} steps/min, hit ${(100 * row.kvHitRate).toFixed(1)} %\n`,
      );
    },
  );
  const results = checkResults(list, runs);
  const wall = (performance.now() - t0) / 1000;
  process.stdout.write(
    `## Further out-of-sample checks (virtual time, steps/min over minutes 10–70)\n\n${checksTable(results)}\n\nwall time: ${wall.toFixed(1)} s\n`,
  );
  if (o.json) await writeFileAtomic(fromRoot(o.json), `${JSON.stringify(results, null, 1)}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
