/**
 * A supervised run's way out, shared by the single run and the sweep: SIGINT/SIGTERM/SIGHUP (or
 * the launcher's stop request) abort it, every child group gets SIGTERM, then SIGKILL after the
 * grace period; past that and a margin the process exits anyway. A second signal SIGKILLs every
 * child group and exits at once (cli-kit's installShutdown). An unexpected error stops everything
 * and exits 1. Whatever the body returns or throws, every process it started is stopped.
 * @module
 */
import { installShutdown, signalExitCode } from "@thunderagent/cli-kit";
import { Supervisor } from "./supervisor.js";

export class Interrupted extends Error {
  override readonly name = "Interrupted";
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

export const log = (line: string) => process.stderr.write(`[reproduce] ${line}\n`);

/** After the grace period: the SIGKILLs, the wait for the last exits (supervisor.stopAll). */
const STOP_MARGIN_S = 20;

function onStop(
  ac: AbortController,
  supervisor: Supervisor,
  stopAll: () => Promise<void>,
  graceS: number,
): void {
  installShutdown({
    name: "reproduce",
    drainMs: (graceS + STOP_MARGIN_S) * 1000,
    onStop: ({ signal }) => {
      log(`${signal}: stopping everything this run started`);
      ac.abort(new Interrupted(signal));
    },
    onSecondSignal: (signal) => {
      log(`${signal} again: killing every process this run started, exiting`);
      supervisor.killNow();
    },
  });
  const fatal = (err: unknown) => {
    log(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void stopAll().finally(() => process.exit(1));
  };
  process.on("uncaughtException", fatal);
  process.on("unhandledRejection", fatal);
}

export interface Supervised {
  readonly supervisor: Supervisor;
  readonly signal: AbortSignal;
  readonly stopAll: () => Promise<void>;
}

/**
 * Runs `body` with a supervisor whose pid file is `pidFile`; returns its exit code, the signal's
 * code when interrupted, or `errorCode(err)` (default 1, the message printed) when it throws.
 */
export async function supervised(
  graceS: number,
  pidFile: string,
  body: (s: Supervised) => Promise<number>,
  errorCode: (err: unknown) => number = () => 1,
): Promise<number> {
  const supervisor = new Supervisor({ graceS, pidFile, log });
  const ac = new AbortController();
  let stopping: Promise<void> | null = null;
  const stopAll = () => (stopping ??= supervisor.stopAll());
  onStop(ac, supervisor, stopAll, graceS);
  try {
    return await body({ supervisor, signal: ac.signal, stopAll });
  } catch (err) {
    if (err instanceof Interrupted) {
      await stopAll();
      return signalExitCode(err.signal);
    }
    process.stderr.write(`reproduce: ${err instanceof Error ? err.message : String(err)}\n`);
    return errorCode(err);
  } finally {
    await stopAll();
    log("all processes stopped");
  }
}
