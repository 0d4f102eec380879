/**
 * `pnpm engine-sim`: start the simulated vLLM server. Flags and `ENGINE_SIM_*` variables in
 * cli/args.ts; a bad one prints one line and exits 2; `--help`/`--version` start nothing.
 * SIGINT/SIGTERM/SIGHUP (or the launcher's stop request) close the server and exit 0; past the
 * drain deadline (DRAIN_MS) it exits 128 + the signal; a second signal exits at once (cli-kit's
 * installShutdown). Logs go through safeStdout, so a stdout whose reader is gone cannot hang it.
 * @module
 */
import {
  installShutdown,
  optionsOrExitCode,
  reportUsageError,
  safeStdout,
} from "@thunderagent/cli-kit";
import { readCommandLine } from "./cli/args.js";
import { resolveServerOptions } from "./server/options.js";
import { startEngineServer } from "./server/start-server.js";

/** How long open requests may take to finish after the first stop request. */
const DRAIN_MS = 10_000;

async function main(argv: string[]): Promise<number> {
  const cl = await optionsOrExitCode(
    "engine-sim",
    () => {
      const read = readCommandLine(argv, process.env);
      if (read.kind === "run") resolveServerOptions(read.cli.server); // validate before binding
      return read;
    },
    { report: (err) => reportUsageError("engine-sim", err, undefined, [RangeError]) },
  );
  if (typeof cl === "number") return cl;
  const { cli } = cl;
  const server = await startEngineServer({
    ...cli.server,
    host: cli.host,
    port: cli.port,
    logger: { level: cli.logLevel, stream: safeStdout() },
  }).catch((err: NodeJS.ErrnoException) => {
    process.stderr.write(`engine-sim: cannot listen on ${cli.host}:${cli.port}: ${err.message}\n`);
    return null;
  });
  if (!server) return 1;
  const o = server.state.options;
  server.app.log.info(
    {
      url: server.url,
      model: o.servedModelNames[0],
      numGpuBlocks: o.engine.numGpuBlocks,
      blockSize: o.engine.blockSize,
      maxModelLen: o.engine.maxModelLen,
      timeScale: o.instant ? "instant" : o.timeScale,
      continuum: o.engine.continuum ?? false,
    },
    `engine-sim listening on ${cli.host}:${server.port}`,
  );
  await new Promise<void>((resolve) => {
    installShutdown({ name: "engine-sim", drainMs: DRAIN_MS, onStop: () => resolve() });
  });
  // A keep-alive connection whose response ends after close() began would hold the close until
  // its idle timeout: close each one as soon as it is idle.
  const sweep = setInterval(() => server.app.server.closeIdleConnections(), 100);
  await server.close();
  clearInterval(sweep);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
