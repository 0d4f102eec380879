/** The proxy with the real Router built from its config: in memory (inject) or on a loopback port. */
import type { FastifyInstance } from "fastify";
import { buildApp, type AppDeps } from "../../src/app.js";
import { makeConfig, type ProxyConfig } from "../../src/config.js";
import { createRouter } from "../../src/create-router.js";
import type { ProxyContext } from "../../src/context.js";
import type { SchedulerLoop } from "../../src/scheduler-loop.js";

/** The proxy app, ready (start-up probe done) but not listening: talk to it with `app.inject()`. */
export interface TestProxy {
  app: FastifyInstance;
  config: ProxyConfig;
  ctx: ProxyContext;
  loop: SchedulerLoop;
  close(): Promise<void>;
}

export interface RunningProxy extends TestProxy {
  url: string;
}

export async function buildProxy(
  config: Partial<Parameters<typeof makeConfig>[0]>,
  extra: Partial<AppDeps> = {},
): Promise<TestProxy> {
  const cfg = makeConfig({ host: "127.0.0.1", port: 0, ...config });
  const app = await buildApp({
    config: cfg,
    router: createRouter(cfg),
    timers: false,
    ...extra,
  });
  await app.ready();
  return {
    app,
    config: cfg,
    ctx: app.thunder.ctx,
    loop: app.thunder.loop,
    close: () => app.close(),
  };
}

/** {@link buildProxy}, listening on a loopback port: for clients that need a real socket. */
export async function startProxy(
  config: Partial<Parameters<typeof makeConfig>[0]>,
  extra: Partial<AppDeps> = {},
): Promise<RunningProxy> {
  const proxy = await buildProxy(config, extra);
  const url = await proxy.app.listen({ host: "127.0.0.1", port: 0 });
  return { ...proxy, url };
}

/** Polls `check` until it holds (no wall-clock assertions: generous deadline, then fail). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The OpenAI error envelope as the tests read it. */
export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | number | null };
}
