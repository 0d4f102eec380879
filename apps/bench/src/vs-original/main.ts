/**
 * `pnpm bench:vs-original --original-cmd "<template>"`: the differential run of the main job. The
 * Python original, our proxy in `--policy original` mode and our proxy's defaults each route
 * reproduce's simulated pipeline, interleaved round by round; steps/min and the window KV hit rate
 * of every run, then the verdict. Wiring only: parsing (options.ts), the schedule and plans
 * (systems.ts), one run (execute.ts), the numbers (summary.ts).
 * @module
 */
import { cpus } from "node:os";
import { resolve } from "node:path";
import { PlanError, REPO_ROOT, formatPlan, type Plan } from "@thunderagent/reproduce";
import { writeFileAtomic } from "@thunderagent/swebench";
import { OriginalCmdError, executeRun, type RunRow } from "./execute.js";
import { loadSession } from "./render.js";
import { USAGE, UsageError, parseVsOptions, type VsOptions } from "./options.js";
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

async function main(argv: string[]): Promise<number> {
  let o: VsOptions | "help";
  try {
    o = parseVsOptions(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${NAME}: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (o === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (o.render !== null) return render(o);
  const sessionId = `${o.preset}-${sessionStamp()}`;
  const cwd = process.cwd();
  const sessionDir = resolve(cwd, o.logsDir, sessionId);
  const runs = schedule(o.rounds);
  let plans: Plan[];
  try {
    plans = runs.map((r) =>
      planRun(
        r,
        o.reproduce,
        o.originalCmd,
        {
          root: REPO_ROOT,
          cwd,
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
  const firstOriginal = plans[runs.findIndex((r) => r.system === "python-original")] as Plan;
  if (o.dryRun) {
    const out = [formatSchedule(runs, plans), ""];
    for (const sys of ["python-original", "ours-original-policy", "ours-default"] as const) {
      const i = runs.findIndex((r) => r.system === sys);
      out.push(`=== ${SYSTEM_LABEL[sys]} (round 1; later rounds differ only in their directories)`);
      out.push(formatPlan(plans[i] as Plan), "");
    }
    process.stdout.write(`${out.join("\n")}\n`);
    return 0;
  }
  const missing = missingPrograms(expandedOriginal(firstOriginal));
  if (missing.length > 0) {
    process.stderr.write(
      `${NAME}: ${missing.join(", ")} not found${missing.some((m) => m.includes("/")) ? "" : " on PATH"} ` +
        `(--original-cmd runs ${missing.length > 1 ? "them" : "it"}); install ${missing.length > 1 ? "them" : "it"} or give the full path\n`,
    );
    return 2;
  }

  const ac = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) return;
    log(`${sig}: stopping everything this run started`);
    ac.abort(new Interrupted(sig));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);

  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    platform: `${process.platform}-${process.arch}, Node ${process.version}`,
  };
  const info: SessionInfo = {
    sessionId,
    generatedAt: new Date().toISOString(),
    preset: o.preset,
    rounds: o.rounds,
    window: { start_min: firstOriginal.window.startMin, end_min: firstOriginal.window.endMin },
    timeScale: firstOriginal.timeScale,
    workers: firstOriginal.workers,
    command: `pnpm ${NAME} ${o.argv.map(shellQuote).join(" ")}`,
    originalCmd: o.originalCmd,
    machine,
    sessionDir,
  };
  const jsonPath = o.json ? resolve(cwd, o.json) : resolve(sessionDir, "rows.json");
  const rows: RunRow[] = [];
  const save = (complete: boolean) =>
    writeFileAtomic(jsonPath, `${JSON.stringify(buildDocument(info, rows, complete), null, 2)}\n`);

  log(`session ${sessionId}: ${runs.length} runs, logs in ${sessionDir}`);
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
    const out = [
      "",
      renderTable(summaries, o.rounds),
      "",
      verdictLine(verdict(summaries)),
      `rows:   ${jsonPath}`,
    ];
    if (o.report) {
      const md = resolve(cwd, o.report);
      await writeFileAtomic(md, renderMarkdown(info, rows));
      out.push(`report: ${md}`);
    }
    process.stdout.write(`${out.join("\n")}\n`);
    return 0;
  } catch (err) {
    if (rows.length > 0) await save(false).catch(() => {});
    if (err instanceof Interrupted || ac.signal.aborted) {
      const sig = err instanceof Interrupted ? err.signal : "SIGTERM";
      return sig === "SIGINT" ? 130 : sig === "SIGTERM" ? 143 : 129;
    }
    const msg = err instanceof Error ? err.message : String(err);
    if (err instanceof OriginalCmdError) {
      process.stderr.write(`${NAME}: ${msg}\n`);
      return 2;
    }
    process.stderr.write(`${NAME}: ${msg}\n`);
    return 1;
  } finally {
    log("all processes stopped");
  }
}

async function render(o: VsOptions): Promise<number> {
  const cwd = process.cwd();
  let session;
  try {
    session = await loadSession(resolve(cwd, o.render ?? ""));
  } catch (err) {
    process.stderr.write(`${NAME}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const { info, rows } = session;
  const summaries = summarize(rows, info.rounds);
  const out = ["", renderTable(summaries, info.rounds), "", verdictLine(verdict(summaries))];
  if (o.json) {
    const path = resolve(cwd, o.json);
    await writeFileAtomic(path, `${JSON.stringify(buildDocument(info, rows, true), null, 2)}\n`);
    out.push(`rows:   ${path}`);
  }
  if (o.report) {
    const md = resolve(cwd, o.report);
    await writeFileAtomic(md, renderMarkdown(info, rows));
    out.push(`report: ${md}`);
  }
  process.stdout.write(`${out.join("\n")}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
// Children are stopped; do not wait on stray handles (sockets kept alive by undici, timers).
process.exit(process.exitCode);
