#!/usr/bin/env node
/**
 * `thunderagent`: parse the command line and environment, build the app, listen, and shut down
 * gracefully on SIGINT/SIGTERM/SIGHUP or when the launcher asks (stop accepting, 503 to waiting
 * requests, finish the CSV, close the pools, exit 0); past the drain deadline (DRAIN_MS) it exits
 * 128 + the signal, and a second signal exits at once (cli-kit's installShutdown). Logs go through
 * safeStdout: a stdout whose reader is gone cannot throw or hang the shutdown. A bad flag prints
 * one line naming it and exits 2; --help and --version run nothing.
 * @module
 */
import pino from "pino";
import {
  exitWhenDone,
  installShutdown,
  optionsOrExitCode,
  safeStdout,
} from "@thunderagent/cli-kit";
import { buildApp } from "./app.js";
import { readCommandLine } from "./config.js";
import { createRouter } from "./create-router.js";

/** How long in-flight requests may take to finish after the first stop request. */
const DRAIN_MS = 20_000;

/** The exit code, or undefined once the server listens (it runs until a stop request). */
async function main(): Promise<number | undefined> {
  const cl = await optionsOrExitCode("thunderagent", () =>
    readCommandLine(process.argv.slice(2), process.env),
  );
  if (typeof cl === "number") return cl;
  const { config } = cl;

  const logger = pino(
    {
      level: config.logLevel,
      base: { service: "thunderagent" },
      redact: ["req.headers.authorization", "headers.authorization", "apiKey", "backendApiKey"],
    },
    safeStdout(),
  );
  const app = await buildApp({
    config,
    router: createRouter(config),
    logger,
  });

  const shutdown = installShutdown({
    name: "thunderagent",
    drainMs: DRAIN_MS,
    onStop: ({ signal, from }) => {
      logger.info({ signal, from }, "shutting down");
      // A keep-alive connection whose response ends after close() began would hold the close
      // until its idle timeout (72 s): close each one as soon as it is idle.
      setInterval(() => app.server.closeIdleConnections(), 100).unref();
      app.close().then(
        () => {
          logger.info("stopped");
          shutdown.exit(0);
        },
        (err: unknown) => {
          logger.error({ err }, "shutdown failed");
          shutdown.exit(1);
        },
      );
    },
  });

  const address = await app.listen({ host: config.host, port: config.port });
  logger.info(
    {
      address,
      backends: config.backends,
      router: config.router,
      backendType: config.backendType,
      profile: config.profile ? config.profileDir : false,
      metrics: config.metrics,
    },
    "listening",
  );
  return undefined;
}

void exitWhenDone("thunderagent", main());
