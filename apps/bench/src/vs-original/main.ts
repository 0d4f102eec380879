/**
 * `pnpm bench:vs-original --original-cmd "<template>"`: the differential run of the main job. The
 * Python original, our proxy in `--policy original` mode and our proxy's defaults each route
 * reproduce's simulated pipeline, interleaved round by round; steps/min and the window KV hit rate
 * of every run, then the verdict. Relative paths are the caller's (INIT_CWD under pnpm, else the
 * cwd). Wiring only: parsing (options.ts), the schedule and plans
 * (systems.ts), one run (execute.ts), the numbers (summary.ts).
 * @module
 */
import { cpus } from "node:os";
import { resolve } from "node:path";
import { callerCwd, optionsOrExitCode } from "@thunderagent/cli-kit";
import { PlanError, REPO_ROOT, formatPlan, type Plan } from "@thunderagent/reproduce";
import { writeFileAtomic } from "@thunderagent/swebench";
import { OriginalCmdError, executeRun, type RunRow } from "./execute.js";
import { loadSession } from "./render.js";
import { readVsCommandLine, type VsOptions } from "./options.js";
import {
  buildDocument,
  renderMarkdown,
  renderTable,
  summarize,
  verdict,
  verdictLine,
  type SessionInfo,
} from "./summary.js";
import { SYSTEM_LABEL, planRun, schedule, type ScheduledRun } from "./systems.js";
import { missingPrograms, shellQuote } from "./template.js";

const NAME = "bench:vs-original";
const log = (line: string) => process.stderr.write(`[vs-original] ${line}\n`);

class Interrupted extends Error {
  override readonly name = "Interrupted";
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

function sessionStamp(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/** The original's command line once expanded (the shell's `-c` argument). */
function expandedOriginal(plan: Plan): string {
  const args = plan.systems[0]?.proxy?.args ?? [];
  return args[1] ?? "";
}

function formatSchedule(runs: readonly ScheduledRun[], plans: readonly Plan[]): string {
  const out: string[] = [`${runs.length} runs, in this order:`];
  runs.forEach((r, i) => {
    out.push(
      `  round ${r.round}.${r.position}  ${SYSTEM_LABEL[r.system].padEnd(24)} ${plans[i]?.runDir ?? ""}`,
    );
  });
  return out.join("\n");
}

/** One reproduce plan per scheduled run, or the exit code when reproduce refuses one. */
function planAll(o: VsOptions, runs: readonly ScheduledRun[], sessionDir: string): Plan[] | number {
  try {
    return runs.map((r) =>
      planRun(
        r,
        o.reproduce,
        o.originalCmd,
        {
          root: REPO_ROOT,
          cwd: callerCwd(),
          execPath: process.execPath,
          hfCli: null,
          hfHome: undefined,
          gpuSets: null,
        },
        sessionDir,
      ),
    );
  } catch (err) {
    if (err instanceof PlanError) {
      process.stderr.write(`${NAME}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/** `--dry-run`: the schedule, then the first round's plan of each system. */
function printDryRun(runs: readonly ScheduledRun[], plans: readonly Plan[]): void {
  const out = [formatSchedule(runs, plans), ""];
  for (const sys of ["python-original", "ours-original-policy", "ours-default"] as const) {
    const i = runs.findIndex((r) => r.system === sys);
    out.push(`=== ${SYSTEM_LABEL[sys]} (round 1; later rounds differ only in their directories)`);
    out.push(formatPlan(plans[i] as Plan), "");
  }
  process.stdout.write(`${out.join("\n")}\n`);
}

/** The programs the original's command starts, or a message naming those not installed. */
function missingOriginal(firstOriginal: Plan): string | null {
  const missing = missingPrograms(expandedOriginal(firstOriginal));
  if (missing.length === 0) return null;
  const them = missing.length > 1 ? "them" : "it";
  return (
    `${missing.join(", ")} not found${missing.some((m) => m.includes("/")) ? "" : " on PATH"} ` +
    `(--original-cmd runs ${them}); install ${them} or give the full path`
  );
}

function sessionInfo(
  o: VsOptions,
  sessionId: string,
  sessionDir: string,
  first: Plan,
): SessionInfo {
  return {
    sessionId,
    generatedAt: new Date().toISOString(),
    preset: o.preset,
    rounds: o.rounds,
    window: { start_min: first.window.startMin, end_min: first.window.endMin },
    timeScale: first.timeScale,
    workers: first.workers,
    command: `pnpm ${NAME} ${o.argv.map(shellQuote).join(" ")}`,
    originalCmd: o.originalCmd,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? "unknown",
      platform: `${process.platform}-${process.arch}, Node ${process.version}`,
    },
    sessionDir,
  };
}

/** SIGINT/SIGTERM/SIGHUP abort the session (the run in progress stops what it started). */
function abortOnSignals(): AbortController {
  const ac = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) return;
    log(`${sig}: stopping everything this run started`);
    ac.abort(new Interrupted(sig));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
  return ac;
}

/** Every run in order, the rows saved after each; then the table, the verdict, the report. */
async function runSession(
  o: VsOptions,
  runs: readonly ScheduledRun[],
  plans: readonly Plan[],
  info: SessionInfo,
): Promise<number> {
  const ac = abortOnSignals();
  const jsonPath = o.json ?? resolve(info.sessionDir, "rows.json");
  const rows: RunRow[] = [];
  const save = (complete: boolean) =>
    writeFileAtomic(jsonPath, `${JSON.stringify(buildDocument(info, rows, complete), null, 2)}\n`);
  log(`session ${info.sessionId}: ${runs.length} runs, logs in ${info.sessionDir}`);
  try {
    for (const [i, run] of runs.entries()) {
      if (ac.signal.aborted) throw ac.signal.reason;
      const plan = plans[i] as Plan;
      log(`round ${run.round}.${run.position}: ${SYSTEM_LABEL[run.system]} (${plan.runDir})`);
      const row = await executeRun(run, plan, { signal: ac.signal, log, graceS: plan.graceS });
      rows.push(row);
      await save(false);
      log(
        `round ${run.round}.${run.position}: ${SYSTEM_LABEL[run.system]}: ${row.steps_per_min.toFixed(1)} steps/min, ` +
          `window hit ${row.window_kv_hit_rate === null ? "n/a" : `${(row.window_kv_hit_rate * 100).toFixed(1)} %`}`,
      );
    }
    await save(true);
    const summaries = summarize(rows, o.rounds);
    const out = ["", renderTable(summaries, o.rounds), "", verdictLine(verdict(summaries))];
    out.push(`rows:   ${jsonPath}`);
    if (o.report) {
      await writeFileAtomic(o.report, renderMarkdown(info, rows));
      out.push(`report: ${o.report}`);
    }
    process.stdout.write(`${out.join("\n")}\n`);
    return 0;
  } catch (err) {
    if (rows.length > 0) await save(false).catch(() => {});
    if (err instanceof Interrupted || ac.signal.aborted) {
      const sig = err instanceof Interrupted ? err.signal : "SIGTERM";
      return sig === "SIGINT" ? 130 : sig === "SIGTERM" ? 143 : 129;
    }
    process.stderr.write(`${NAME}: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof OriginalCmdError ? 2 : 1;
  } finally {
    log("all processes stopped");
  }
}

async function main(argv: string[]): Promise<number> {
  const o = await optionsOrExitCode(NAME, () => readVsCommandLine(argv, { env: process.env }));
  if (typeof o === "number") return o;
  if (o.render !== null) return render(o);
  const sessionId = `${o.preset}-${sessionStamp()}`;
  const sessionDir = resolve(o.logsDir, sessionId);
  const runs = schedule(o.rounds);
  const plans = planAll(o, runs, sessionDir);
  if (typeof plans === "number") return plans;
  const firstOriginal = plans[runs.findIndex((r) => r.system === "python-original")] as Plan;
  if (o.dryRun) {
    printDryRun(runs, plans);
    return 0;
  }
  const missing = missingOriginal(firstOriginal);
  if (missing !== null) {
    process.stderr.write(`${NAME}: ${missing}\n`);
    return 2;
  }
  return runSession(o, runs, plans, sessionInfo(o, sessionId, sessionDir, firstOriginal));
}

async function render(o: VsOptions): Promise<number> {
  let session;
  try {
    session = await loadSession(o.render ?? "");
  } catch (err) {
    process.stderr.write(`${NAME}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const { info, rows } = session;
  const summaries = summarize(rows, info.rounds);
  const out = ["", renderTable(summaries, info.rounds), "", verdictLine(verdict(summaries))];
  if (o.json) {
    await writeFileAtomic(o.json, `${JSON.stringify(buildDocument(info, rows, true), null, 2)}\n`);
    out.push(`rows:   ${o.json}`);
  }
  if (o.report) {
    await writeFileAtomic(o.report, renderMarkdown(info, rows));
    out.push(`report: ${o.report}`);
  }
  process.stdout.write(`${out.join("\n")}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
// Children are stopped; do not wait on stray handles (sockets kept alive by undici, timers).
process.exit(process.exitCode);
