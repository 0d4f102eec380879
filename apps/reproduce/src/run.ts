/**
 * Running a plan: for each system, the engines (wait for /health), the router (wait for /health),
 * the runner until the window has closed (or it finishes), then everything of that system is
 * stopped and its steps counted. Any child dying, a health timeout or an abort ends the run; the
 * caller's `stopAll` then stops whatever is left.
 * @module
 */
import { readFile } from "node:fs/promises";
import type { Plan, SystemPlan } from "./plan.js";
import { waitForHealth } from "./health.js";
import type { SystemResult } from "./report.js";
import { EngineMeter, countFromMeter, firstServedCall } from "./engine-meter.js";
import { readProfileSteps, readTrajectorySteps } from "./steps.js";
import { ChildFailedError, tailLog, type Child, type Supervisor } from "./supervisor.js";
import { countWindow, type WindowCount } from "./window.js";

export interface RunContext {
  readonly supervisor: Supervisor;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  /** Seconds between progress lines (default 10). */
  readonly progressEveryS?: number;
}

const abortPromises = new WeakMap<AbortSignal, Promise<never>>();

/** One promise per signal that rejects when it aborts (no listener piles up across waits). */
function abortedPromise(signal: AbortSignal): Promise<never> {
  let p = abortPromises.get(signal);
  if (!p) {
    p = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
    p.catch(() => {});
    abortPromises.set(signal, p);
  }
  return p;
}

/** Resolves with `p`, or rejects as soon as a child fails or the run is aborted. */
export function guard<T>(p: Promise<T>, ctx: RunContext): Promise<T> {
  return Promise.race([p, ctx.supervisor.failed, abortedPromise(ctx.signal)]);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function countCsvRows(path: string): Promise<number> {
  try {
    const text = await readFile(path, "utf8");
    let n = -1;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
    return Math.max(0, n);
  } catch {
    return 0;
  }
}

export interface SystemOutcome {
  readonly result: SystemResult;
  readonly notes: string[];
  /**
   * The same window counted from the engines' /metrics counters (served calls, prefix-cache
   * queries and hits), whatever the step source; null when the scrapes do not cover the window.
   */
  readonly metered: WindowCount | null;
}

async function runSystem(plan: Plan, sys: SystemPlan, ctx: RunContext): Promise<SystemOutcome> {
  const sup = ctx.supervisor;
  const notes: string[] = [];
  const mine: Child[] = [];
  ctx.log(`— ${sys.system}: starting`);
  const engines = sys.engines.map((spec) => {
    const c = sup.start(spec);
    mine.push(c);
    return c;
  });
  await guard(
    Promise.all(
      engines.map(async (c) => {
        const health = c.spec.health;
        if (!health) return;
        const s = await waitForHealth({
          ...health,
          name: c.spec.name,
          child: c,
          signal: ctx.signal,
        });
        ctx.log(`${c.spec.name} healthy after ${s.toFixed(1)} s`);
      }),
    ),
    ctx,
  );
  // The engines' own served-call counters, scraped through the run (see engine-meter.ts).
  const meter = new EngineMeter(sys.engineUrls, Math.min(10, plan.minuteS / 2));
  meter.start();
  let startedAt: number | null = null;
  if (sys.proxy) {
    const proxy = sup.start(sys.proxy);
    mine.push(proxy);
    startedAt = proxy.startedAt;
    const health = sys.proxy.health;
    if (health) {
      const s = await guard(
        waitForHealth({ ...health, name: "proxy", child: proxy, signal: ctx.signal }),
        ctx,
      );
      ctx.log(`proxy healthy after ${s.toFixed(1)} s`);
    }
  }
  const runners = sys.runners.map((spec) => {
    const c = sup.start(spec);
    mine.push(c);
    c.expected = true; // their own exits are handled below: code 0 is "finished"
    return c;
  });
  const runner = runners[0] as Child;
  startedAt ??= runner.startedAt;
  if (plan.mode === "simulated") {
    // Compressed 40×, the few real seconds the runner takes to start would eat most of the
    // warm-up; the simulated clock starts with the first served call instead, for both systems.
    startedAt = await guard(firstServedCall(sys.engineUrls, 300), ctx);
  }
  const t0 = startedAt;
  const windowStartAt = t0 + plan.window.startMin * plan.minuteS;
  const stopAt = plan.stopAfterMin === null ? null : t0 + plan.stopAfterMin * plan.minuteS;
  ctx.log(
    `${sys.system}: clock started; window opens in ${Math.max(0, windowStartAt - Date.now() / 1000).toFixed(0)} s, ` +
      (stopAt === null
        ? "running to completion"
        : `stopping in ${(stopAt - Date.now() / 1000).toFixed(0)} s`),
  );

  // true once every runner finished (code 0); rejects as soon as one fails.
  const runnersDone = Promise.race([
    Promise.all(runners.map((c) => c.exited)).then(() => true),
    ...runners.map((c) =>
      c.exited.then((e): Promise<boolean> => {
        if (e.code !== 0) {
          throw new ChildFailedError(
            `${c.spec.name} exited with ${e.signal ? `signal ${e.signal}` : `code ${e.code}`}; last lines of ${c.spec.logFile}:\n${tailLog(c.spec.logFile)}`,
          );
        }
        return new Promise<boolean>(() => {});
      }),
    ),
  ]);
  runnersDone.catch(() => {});
  let finished = false;
  const progressEvery = (ctx.progressEveryS ?? 10) * 1000;
  let nextProgress = Date.now() + progressEvery;
  for (;;) {
    const now = Date.now() / 1000;
    if (stopAt !== null && now >= stopAt + 1) break;
    const wait = Math.min(500, stopAt === null ? 500 : Math.max(10, (stopAt + 1 - now) * 1000));
    const exitedNow = await guard(Promise.race([runnersDone, sleep(wait).then(() => false)]), ctx);
    if (exitedNow) {
      finished = true;
      const minute = (Date.now() / 1000 - t0) / plan.minuteS;
      ctx.log(`${sys.system}: the runner finished its dataset at minute ${minute.toFixed(1)}`);
      if (minute < plan.window.endMin) {
        notes.push(
          `${sys.system}: the runner finished at minute ${minute.toFixed(1)}, before the window closed; steps/min covers idle time.`,
        );
      }
      break;
    }
    if (Date.now() >= nextProgress) {
      nextProgress += progressEvery;
      const minute = (Date.now() / 1000 - t0) / plan.minuteS;
      const done =
        sys.stepSource.kind === "profile-csv" ? await countCsvRows(sys.stepSource.path) : null;
      ctx.log(
        `${sys.system}: minute ${minute.toFixed(1)}${plan.stopAfterMin === null ? "" : ` of ${plan.stopAfterMin}`}` +
          (done === null ? "" : `, ${done} steps so far`),
      );
    }
  }
  if (!finished) ctx.log(`${sys.system}: the window has closed; stopping`);
  await meter.stop();
  // The runner first (it records its running instances), then the router, then the engines.
  for (const c of [...mine].reverse()) await sup.stop(c);

  const metered = countFromMeter(meter.samples, t0, plan.window, plan.minuteS);
  let count;
  let source: string;
  if (sys.stepSource.kind === "profile-csv") {
    count = countWindow(await readProfileSteps(sys.stepSource.path), t0, plan.window, plan.minuteS);
    source = sys.stepSource.path;
  } else {
    const parts = await Promise.all(sys.stepSource.dirs.map((d) => readTrajectorySteps(d)));
    const t = {
      steps: parts.flatMap((x) => x.steps),
      files: parts.reduce((n, x) => n + x.files, 0),
      invalid: parts.flatMap((x) => x.invalid),
    };
    if (t.invalid.length > 0) {
      notes.push(
        `${sys.system}: ${t.invalid.length} trajectory file(s) did not validate and were skipped.`,
      );
    }
    const fromTraj = countWindow(t.steps, t0, plan.window, plan.minuteS);
    if (metered) {
      count = metered;
      source = `${sys.engineUrls.join(",")} /metrics vllm:request_success_total`;
      notes.push(
        `${sys.system}: counted from the engine's served calls (${metered.stepsCounted} in the window); ` +
          `the runner's trajectories hold ${fromTraj.stepsCounted} of them (${t.files} instances recorded; ` +
          "the runner does not record instances interrupted when the window closes).",
      );
    } else {
      count = fromTraj;
      source = sys.stepSource.dirs.join(",");
      notes.push(
        `${sys.system}: counted from the runner's trajectories (no engine /metrics); instances still running when the window closed are missing.`,
      );
    }
  }
  if (metered && sys.stepSource.kind === "profile-csv") {
    notes.push(
      `${sys.system}: cross-check: the engine served ${metered.stepsCounted} calls in the window, the router profiled ${count.stepsCounted}.`,
    );
  }
  ctx.log(
    `${sys.system}: ${count.stepsCounted} steps in the window → ${count.stepsPerMin.toFixed(1)} steps/min`,
  );
  return {
    result: {
      system: sys.system,
      startedAt: t0,
      count,
      source,
      workers: plan.workers,
    },
    notes,
    metered,
  };
}

export async function runPlan(plan: Plan, ctx: RunContext): Promise<SystemOutcome[]> {
  if (plan.download) {
    ctx.log(`fetching ${plan.model} with ${plan.download.command} (log: ${plan.download.logFile})`);
    const d = ctx.supervisor.start(plan.download);
    d.expected = true;
    const e = await guard(d.exited, ctx);
    if (e.code !== 0) {
      throw new ChildFailedError(
        `downloading ${plan.model} failed (${e.signal ? `signal ${e.signal}` : `code ${e.code}`}); last lines of ${plan.download.logFile}:\n${tailLog(plan.download.logFile)}`,
      );
    }
  }
  const out: SystemOutcome[] = [];
  for (const sys of plan.systems) out.push(await runSystem(plan, sys, ctx));
  return out;
}
