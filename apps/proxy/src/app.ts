/**
 * `buildApp(deps)`: the Fastify app with every route, hook and timer, built from injected parts
 * (config, Router, logger, clock, container remover). `main.ts` does the rest:
 * read the command line, listen, handle signals.
 * @module
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { bearerAuth } from "./auth.js";
import { BackendMonitor } from "./backend-monitor.js";
import { chatRoute } from "./chat/chat-route.js";
import type { ProxyConfig } from "./config.js";
import { newCounters, type ProxyContext } from "./context.js";
import { dashboardRoutes } from "./dashboard/routes.js";
import { DockerGc, type ContainerRemover } from "./docker-gc.js";
import { parseBodiesAsJson } from "./http/body-parser.js";
import { answerErrorsAsOpenAI } from "./http/error-handler.js";
import { metricsRoute } from "./metrics/metrics-route.js";
import { ProfileWriter } from "./profile-writer.js";
import type { RouterPort } from "./router-port.js";
import { adminRoutes } from "./routes/admin-routes.js";
import { SchedulerLoop } from "./scheduler-loop.js";
import { Upstreams } from "./upstream/upstreams.js";
import { Waiters } from "./waiters.js";
import { WeightSync } from "./weight-sync/weight-sync.js";
import { weightSyncRoutes } from "./weight-sync/weight-sync-routes.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The app's shared state and its scheduler loop (tests drive ticks through it). */
    thunder: { ctx: ProxyContext; loop: SchedulerLoop };
  }
  interface FastifyRequest {
    /** Length of the raw request body in characters (the Router's size estimate). */
    bodyChars: number;
  }
}

export interface AppDeps {
  config: ProxyConfig;
  router: RouterPort;
  /** Defaults to a silent pino logger. */
  logger?: Logger;
  /** Unix time in seconds; defaults to `Date.now() / 1000`. */
  now?: () => number;
  /** Defaults to dockerode when `--docker-gc` is on, else none. */
  containers?: ContainerRemover | null;
  /** Run the scheduler, metrics and health timers (default true; tests may tick by hand). */
  timers?: boolean;
  /** How long start-up waits for the first health check and scrape (default 5 s). */
  startupProbeTimeoutMs?: number;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const log = deps.logger ?? pino({ level: "silent" });
  const app = newFastify(deps.config, log);
  registerThunderAgent(app, { ...deps, logger: log }, { notFound: true });
  return app;
}

/**
 * Everything but the Fastify instance: the shared state, body parsing, the error shape, auth,
 * every route and the timers, on `app` (the proxy's own, or a user's app through the plugin, in
 * its encapsulated context). Decorates `app.thunder`.
 */
export function registerThunderAgent(
  app: FastifyInstance,
  deps: AppDeps & { logger: Logger },
  opts: { notFound: boolean },
): void {
  const log = deps.logger;
  const now = deps.now ?? (() => Date.now() / 1000);
  const ctx = newContext(deps, log, now);
  const loop = new SchedulerLoop(ctx);
  app.decorate("thunder", { ctx, loop });
  app.decorateRequest("bodyChars", 0);

  parseBodiesAsJson(app, deps.router, deps.config);
  answerErrorsAsOpenAI(app, ctx, opts.notFound);
  if (deps.config.apiKey !== null) bearerAuth(app, deps.config.apiKey);
  if (log.isLevelEnabled("debug")) logEachRequest(app);
  chatRoute(app, ctx);
  adminRoutes(app, ctx);
  weightSyncRoutes(app, ctx);
  metricsRoute(app, ctx);
  dashboardRoutes(app, ctx);
  startAndStop(app, ctx, loop, deps);
}

function newFastify(config: ProxyConfig, log: Logger): FastifyInstance {
  return Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // No per-request log lines above debug (the onResponse hook of logEachRequest, at debug only).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    requestIdHeader: "x-request-id",
    return503OnClosing: true,
    forceCloseConnections: "idle",
    // A client has --client-timeout to send its headers and body (then 408 and the socket closes),
    // checked every second; waiting for a paused program or a long generation is not affected.
    requestTimeout: config.clientTimeout * 1000,
    http: {
      headersTimeout: config.clientTimeout * 1000,
      connectionsCheckingInterval: Math.min(1000, config.clientTimeout * 1000),
    },
  });
}

/** The state every route shares: the pools, the waiters, the monitor, the CSV, the counters. */
function newContext(deps: AppDeps, log: Logger, now: () => number): ProxyContext {
  const { config, router } = deps;
  const upstreams = new Upstreams(config.backends, config);
  const waiters = new Waiters();
  const containers =
    deps.containers !== undefined
      ? deps.containers
      : config.dockerGc
        ? new DockerGc(log.child({ component: "docker-gc" }))
        : null;
  const background = new Set<Promise<unknown>>();
  return {
    config,
    router,
    upstreams,
    waiters,
    weightSync: new WeightSync(
      config.weightSyncTimeout,
      now,
      log.child({ component: "weight-sync" }),
    ),
    monitor: new BackendMonitor(config, upstreams, router, log, now),
    profile: config.profile ? new ProfileWriter(config.profileDir) : null,
    containers,
    log,
    now,
    counters: newCounters(),
    background,
    resume(resumed) {
      for (const r of resumed) {
        if (!waiters.resume(r.requestId, r.backend)) {
          // Nobody waits under that id any more: keep the Router consistent.
          log.debug({ requestId: r.requestId }, "resumed request has no waiter");
          router.fail(r.requestId, now());
        }
      }
    },
    removeContainers(programId, ids) {
      if (!containers) return;
      const p = containers.remove(programId, ids).catch((err: unknown) => {
        log.warn({ programId, err: (err as Error).message }, "container removal failed");
      });
      background.add(p);
      void p.finally(() => background.delete(p));
    },
  };
}

/** One `request done` line per request, at debug. */
function logEachRequest(app: FastifyInstance): void {
  app.addHook("onResponse", async (request, reply) => {
    request.log.debug(
      {
        method: request.method,
        // The path only: a query string may carry a secret (?api_key=…).
        url: request.url.split("?", 1)[0],
        status: reply.statusCode,
        ms: reply.elapsedTime,
      },
      "request done",
    );
  });
}

/**
 * Start: learn the backends' health and capacity before the first request (a backend still
 * booting is fine), then start the timers. Stop: answer the waiters 503, wait for the background
 * work, close the CSV and the pools.
 */
function startAndStop(
  app: FastifyInstance,
  ctx: ProxyContext,
  loop: SchedulerLoop,
  deps: AppDeps,
): void {
  app.addHook("onReady", async () => {
    const probe = Promise.all([ctx.monitor.checkHealth(), ctx.monitor.scrapeAll()]);
    const limit = deps.startupProbeTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      probe,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, limit);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (deps.timers !== false) loop.start();
  });
  app.addHook("preClose", async () => {
    loop.stop();
    const n = ctx.waiters.close() + ctx.weightSync.close();
    if (n > 0) ctx.log.info({ waiters: n }, "answered waiting requests with 503");
  });
  app.addHook("onClose", async () => {
    await Promise.allSettled([...ctx.background]);
    ctx.profile?.close();
    await ctx.upstreams.close();
  });
}
