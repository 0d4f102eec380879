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
import { installShutdown, reportUsageError, safeStdout } from "@thunderagent/cli-kit";
import { buildApp } from "./app.js";
import { readCommandLine, type ProxyConfig } from "./config.js";
import { createRouter } from "./create-router.js";

/** How long in-flight requests may take to finish after the first stop request. */
const DRAIN_MS = 20_000;

async function main(): Promise<number> {
  let config: ProxyConfig;
  try {
    const cl = readCommandLine(process.argv.slice(2), process.env);
    if (cl.kind !== "run") {
      process.stdout.write(cl.text);
      return 0;
    }
    config = cl.config;
  } catch (err) {
    const code = reportUsageError("thunderagent", err);
    if (code !== undefined) return code;
    throw err;
  }

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
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`thunderagent: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
