/**
 * Running a plan: for each system, start (engines, router, runners; each waited for on /health),
 * run until the window has closed (or the runners finish), stop everything of that system, count
 * its steps. Any child dying, a health timeout or an abort ends the run; the caller's `stopAll`
 * then stops whatever is left.
 * @module
 */
import { EngineMeter, countFromMeter, type MeterSample } from "./engine-meter.js";
import { countSystem } from "./count-system.js";
import type { Plan, SystemPlan } from "./plan-types.js";
import type { SystemResult } from "./report.js";
import { guard, type RunContext } from "./run-context.js";
import { runWindow } from "./run-window.js";
import { ChildFailedError, type Child } from "./supervisor.js";
import { tailLog } from "./tail-log.js";
import { startClock, startEngines, startProxy, startRunners } from "./system-start.js";
import { wholeMinutes, type WindowCount } from "./window.js";

export interface SystemOutcome {
  readonly result: SystemResult;
  readonly notes: string[];
  /**
   * The same window counted from the engines' /metrics counters (served calls, prefix-cache
   * queries and hits), whatever the step source; null when the scrapes do not cover the window.
   */
  readonly metered: WindowCount | null;
  /** The engines' counters as scraped through the run (the raw data behind `metered`). */
  readonly samples: readonly MeterSample[];
  /** Unix seconds: when the runners were stopped (or finished). */
  readonly stoppedAt: number;
}

async function runSystem(plan: Plan, sys: SystemPlan, ctx: RunContext): Promise<SystemOutcome> {
  const started: Child[] = [];
  ctx.log(`— ${sys.system}: starting`);
  await startEngines(sys, ctx, started);
  // The engines' own served-call counters, scraped through the run (see engine-meter.ts).
  const meter = new EngineMeter(sys.engineUrls, Math.min(10, plan.minuteS / 2), plan.backendType);
  meter.start();
  const proxyStartedAt = await startProxy(sys, ctx, started);
  await ctx.beforeRunners?.(sys);
  const runners = startRunners(sys, ctx, started);
  const launchedAt = proxyStartedAt ?? (runners[0] as Child).startedAt;
  const t0 = await startClock(plan, sys, ctx, launchedAt);
  const notes = await runWindow(plan, sys, ctx, runners, t0);
  const stoppedAt = Date.now() / 1000;
  await ctx.afterWindow?.(sys);
  await meter.stop();
  // The runner first (it records its running instances), then the router, then the engines.
  for (const c of [...started].reverse()) await ctx.supervisor.stop(c);

  const metered = countFromMeter(meter.samples, t0, plan.window, plan.minuteS);
  const counted = await countSystem(plan, sys, t0, metered);
  const { source, notes: countNotes } = counted;
  // The minute the runners were stopped in is partial: drawn, it looks like a collapse.
  const count = wholeMinutes(counted.count, (stoppedAt - t0) / plan.minuteS);
  ctx.log(
    `${sys.system}: ${count.stepsCounted} steps in the window → ${count.stepsPerMin.toFixed(1)} steps/min`,
  );
  return {
    result: { system: sys.system, startedAt: t0, count, source, workers: plan.workers },
    notes: [...notes, ...countNotes],
    metered,
    samples: meter.samples,
    stoppedAt,
  };
}

async function download(plan: Plan, ctx: RunContext): Promise<void> {
  if (!plan.download) return;
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

export async function runPlan(plan: Plan, ctx: RunContext): Promise<SystemOutcome[]> {
  await download(plan, ctx);
  const out: SystemOutcome[] = [];
  for (const sys of plan.systems) out.push(await runSystem(plan, sys, ctx));
  return out;
}
