/**
 * The router's routes on an app the user owns: `app.register(thunderAgentPlugin, { config })`,
 * optionally under a `prefix`. Everything `buildApp` sets up comes with it (the Router, JSON body
 * parsing, the OpenAI/Anthropic error shapes, `--api-key`, the scheduler, health and metrics timers,
 * graceful close), inside the plugin's encapsulated context: the user's other routes keep their
 * own parsers, error handler and 404. The user's app listens, logs and closes; `app.close()`
 * stops the timers and answers waiting requests with 503, as the proxy's own shutdown does.
 * @module
 */
import type { FastifyPluginAsync } from "fastify";
import pino, { type Logger } from "pino";
import { registerThunderAgent, type AppDeps } from "./app.js";
import { createRouter } from "./create-router.js";
import type { RouterPort } from "./router-port.js";

export interface ThunderAgentPluginOptions extends Omit<AppDeps, "router" | "logger"> {
  /** Defaults to the Router the config describes (what the `thunderagent` binary runs). */
  router?: RouterPort;
  /** Defaults to the app's logger (when it is a pino logger), else a silent one. */
  logger?: Logger;
}

function loggerOf(app: { log: unknown }): Logger {
  const log = app.log as Partial<Logger>;
  return typeof log.isLevelEnabled === "function" && typeof log.child === "function"
    ? (log as Logger)
    : pino({ level: "silent" });
}

export const thunderAgentPlugin: FastifyPluginAsync<ThunderAgentPluginOptions> = async (
  app,
  opts,
) => {
  const { router, logger, ...rest } = opts;
  registerThunderAgent(
    app,
    { ...rest, router: router ?? createRouter(opts.config), logger: logger ?? loggerOf(app) },
    { notFound: false },
  );
};
