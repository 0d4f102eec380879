/** Starts the proxy on a loopback port (port 0) with the real Router built from its config. */
import type { FastifyInstance } from "fastify";
import { buildApp, type AppDeps } from "../../src/app.js";
import { makeConfig, type ProxyConfig } from "../../src/config.js";
import { createRouter } from "../../src/create-router.js";
import type { ProxyContext } from "../../src/context.js";
import type { SchedulerLoop } from "../../src/scheduler-loop.js";

export interface RunningProxy {
  url: string;
  app: FastifyInstance;
  config: ProxyConfig;
  ctx: ProxyContext;
  loop: SchedulerLoop;
  close(): Promise<void>;
}

export async function startProxy(
  config: Partial<Parameters<typeof makeConfig>[0]>,
  extra: Partial<AppDeps> = {},
): Promise<RunningProxy> {
  const cfg = makeConfig({ host: "127.0.0.1", port: 0, ...config });
  const app = await buildApp({
    config: cfg,
    router: createRouter(cfg),
    timers: false,
    ...extra,
  });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    url: address,
    app,
    config: cfg,
    ctx: app.thunder.ctx,
    loop: app.thunder.loop,
    close: () => app.close(),
  };
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
