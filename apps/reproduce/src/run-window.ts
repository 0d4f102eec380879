/**
 * A system's measured run: the runners work until the window has closed (or they finish their
 * dataset), with a progress line every few seconds. A runner exiting with a non-zero code fails
 * the run.
 * @module
 */
import { readFile } from "node:fs/promises";
import type { Plan, SystemPlan } from "./plan-types.js";
import { guard, type RunContext } from "./run-context.js";
import { ChildFailedError, type Child } from "./supervisor.js";
import { tailLog } from "./tail-log.js";

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

/** True once every runner finished (code 0); rejects as soon as one fails. */
function runnersDone(runners: readonly Child[]): Promise<boolean> {
  const done = Promise.race([
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
  done.catch(() => {});
  return done;
}

async function logProgress(plan: Plan, sys: SystemPlan, ctx: RunContext, t0: number) {
  const minute = (Date.now() / 1000 - t0) / plan.minuteS;
  const done =
    sys.stepSource.kind === "profile-csv" ? await countCsvRows(sys.stepSource.path) : null;
  ctx.log(
    `${sys.system}: minute ${minute.toFixed(1)}${plan.stopAfterMin === null ? "" : ` of ${plan.stopAfterMin}`}` +
      (done === null ? "" : `, ${done} steps so far`),
  );
}

/** Waits until the window has closed or the runners finished; returns notes for the report. */
export async function runWindow(
  plan: Plan,
  sys: SystemPlan,
  ctx: RunContext,
  runners: readonly Child[],
  t0: number,
): Promise<string[]> {
  const stopAt = plan.stopAfterMin === null ? null : t0 + plan.stopAfterMin * plan.minuteS;
  const windowStartAt = t0 + plan.window.startMin * plan.minuteS;
  ctx.log(
    `${sys.system}: clock started; window opens in ${Math.max(0, windowStartAt - Date.now() / 1000).toFixed(0)} s, ` +
      (stopAt === null
        ? "running to completion"
        : `stopping in ${(stopAt - Date.now() / 1000).toFixed(0)} s`),
  );
  const finished = runnersDone(runners);
  const progressEvery = (ctx.progressEveryS ?? 10) * 1000;
  let nextProgress = Date.now() + progressEvery;
  for (;;) {
    const now = Date.now() / 1000;
    if (stopAt !== null && now >= stopAt + 1) break;
    const wait = Math.min(500, stopAt === null ? 500 : Math.max(10, (stopAt + 1 - now) * 1000));
    if (await guard(Promise.race([finished, sleep(wait).then(() => false)]), ctx)) {
      const minute = (Date.now() / 1000 - t0) / plan.minuteS;
      ctx.log(`${sys.system}: the runner finished its dataset at minute ${minute.toFixed(1)}`);
      return minute < plan.window.endMin
        ? [
            `${sys.system}: the runner finished at minute ${minute.toFixed(1)}, before the window closed; steps/min covers idle time.`,
          ]
        : [];
    }
    if (Date.now() >= nextProgress) {
      nextProgress += progressEvery;
      await logProgress(plan, sys, ctx, t0);
    }
  }
  ctx.log(`${sys.system}: the window has closed; stopping`);
  return [];
}
