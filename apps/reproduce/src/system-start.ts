/**
 * Starting a system's processes: the engines, waited for on /health; the router, waited for on
 * /health; the runners; and the clock the window is measured from.
 * @module
 */
import { dashboardUrl } from "./dashboard-url.js";
import { firstServedCall } from "./engine-meter.js";
import { waitForHealth } from "./health.js";
import type { Plan, SystemPlan } from "./plan-types.js";
import { guard, type RunContext } from "./run-context.js";
import type { Child } from "./supervisor.js";

/** Starts the engines (adding them to `started`) and waits until each answers /health. */
export async function startEngines(
  sys: SystemPlan,
  ctx: RunContext,
  started: Child[],
): Promise<void> {
  const engines = sys.engines.map((spec) => {
    const c = ctx.supervisor.start(spec);
    started.push(c);
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
}

/** Starts the router, if the system has one, and waits for /health; returns its start time. */
export async function startProxy(
  sys: SystemPlan,
  ctx: RunContext,
  started: Child[],
): Promise<number | null> {
  if (!sys.proxy) return null;
  const proxy = ctx.supervisor.start(sys.proxy);
  started.push(proxy);
  const health = sys.proxy.health;
  if (health) {
    const s = await guard(
      waitForHealth({ ...health, name: "proxy", child: proxy, signal: ctx.signal }),
      ctx,
    );
    ctx.log(`proxy healthy after ${s.toFixed(1)} s`);
    const dashboard = await dashboardUrl(health.url);
    if (dashboard) ctx.log(`router dashboard: ${dashboard}`);
  }
  return proxy.startedAt;
}

/** Starts the runners; their own exits are handled by the window (code 0 is "finished"). */
export function startRunners(sys: SystemPlan, ctx: RunContext, started: Child[]): Child[] {
  return sys.runners.map((spec) => {
    const c = ctx.supervisor.start(spec);
    started.push(c);
    c.expected = true;
    return c;
  });
}

/**
 * When the clock starts (Unix seconds): the router's launch, else the runner's. Compressed 40×,
 * the few real seconds the runner takes to start would eat most of the warm-up; simulated runs
 * start the clock with the first served call instead, for both systems.
 */
export async function startClock(
  plan: Plan,
  sys: SystemPlan,
  ctx: RunContext,
  launchedAt: number,
): Promise<number> {
  if (plan.mode !== "simulated") return launchedAt;
  return guard(firstServedCall(sys.engineUrls, 300, plan.backendType), ctx);
}
