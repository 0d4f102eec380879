/**
 * How every app ends on a signal, the same way under a terminal, `timeout`, SLURM, systemd and
 * Kubernetes (docs in the package README, "Signals and shutdown"):
 *
 * - The first SIGINT, SIGTERM or SIGHUP starts the app's graceful path (`onStop`) and arms the
 *   drain deadline: an unref'd timer that exits with 128 + the signal's number if the graceful
 *   path has not ended the process by then, and a watchdog thread that SIGKILLs the process one
 *   second later should the main thread be stuck (a blocking write, an exit hook that loops).
 * - A second signal exits at once (after `onSecondSignal`, bounded by `secondSignalMs`).
 * - A stop asked by the launcher (`scripts/run.mjs`, over the IPC channel it opens) or the
 *   launcher's death (the channel disconnects) starts the graceful path too, but is not a signal:
 *   the SIGTERM that the process group delivers at the same moment is still the first signal, not
 *   a second one. The app answers the launcher's `ready` handshake, so run.mjs knows it need not
 *   signal it.
 * - stdout and stderr can neither throw nor block the shutdown path: an 'error' listener absorbs
 *   EPIPE (a reader that went away), writes to a stream that failed are dropped, and
 *   {@link safeStdout} is a logger destination through Node's own non-blocking stream for pipes,
 *   not a synchronous fd writer (pino's default loops forever on EPIPE in its exit-time flush).
 * @module
 */
import { constants } from "node:os";
import { Worker } from "node:worker_threads";

export type StopSignal = "SIGINT" | "SIGTERM" | "SIGHUP";

export interface StopRequest {
  readonly signal: StopSignal;
  /** "signal": delivered to this process; "launcher": run.mjs asked, or it is gone (SIGHUP). */
  readonly from: "signal" | "launcher";
}

/** The messages between scripts/run.mjs and the app, on the IPC channel run.mjs opens. */
export const LAUNCHER_MESSAGE = {
  /** app → run.mjs: stop requests may come as messages (no need to signal this process). */
  ready: { thunderagent: "ready" },
  /** run.mjs → app: stop as for this signal (run.mjs was signalled, or its caller is gone). */
  stop: "stop",
} as const;

/** The process as the shutdown logic sees it; {@link nodeHost} is the real one. */
export interface ShutdownHost {
  onSignal(signal: StopSignal, handler: () => void): () => void;
  /** Stop messages from the launcher and its disconnection; returns a remover. */
  onLauncher(stop: (signal: StopSignal) => void): () => void;
  setTimer(fn: () => void, ms: number): () => void;
  /** After `ms`, kill the process whatever its main thread is doing. */
  watchdog(ms: number): void;
  writeErr(text: string): void;
  exit(code: number): void;
}

export interface ShutdownOptions {
  /** Prefix of the lines this module writes (`thunderagent: …`). */
  readonly name: string;
  /** How long the graceful path may take after the first stop request. */
  readonly drainMs: number;
  /** Starts the graceful path; it ends the process itself (`exit`, or nothing left to run). */
  readonly onStop: (request: StopRequest) => void;
  /** Runs on the second signal before the exit (e.g. removing containers), at most `secondSignalMs`. */
  readonly onSecondSignal?: (signal: StopSignal) => unknown;
  readonly secondSignalMs?: number;
  readonly signals?: readonly StopSignal[];
  readonly host?: ShutdownHost;
}

export interface Shutdown {
  /** The first stop request, null while running. */
  readonly request: StopRequest | null;
  /** Exits with `code` now (the streams are guarded; the watchdog still stands). */
  exit(code: number): void;
  /** Removes the handlers and timers (tests, or a process that keeps running). */
  dispose(): void;
}

const WATCHDOG_MARGIN_MS = 1_000;
const STOP_SIGNALS: readonly StopSignal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 15);
}

/** Installs the handlers: see the module's description. */
export function installShutdown(options: ShutdownOptions): Shutdown {
  const host = options.host ?? nodeHost();
  const removers: Array<() => void> = [];
  let request: StopRequest | null = null;
  let signals = 0;
  let forced = false;
  let exiting = false;

  const exit = (code: number) => {
    if (exiting) return;
    exiting = true;
    host.exit(code);
  };
  const first = (req: StopRequest) => {
    request = req;
    const code = signalExitCode(req.signal);
    removers.push(
      host.setTimer(() => {
        host.writeErr(
          `${options.name}: still stopping ${Math.round(options.drainMs / 1000)} s after ${req.signal}; exiting\n`,
        );
        exit(code);
      }, options.drainMs),
    );
    host.watchdog(options.drainMs + WATCHDOG_MARGIN_MS);
    try {
      options.onStop(req);
    } catch (err) {
      host.writeErr(`${options.name}: stopping failed: ${String(err)}\n`);
      exit(code);
    }
  };
  const second = (signal: StopSignal) => {
    if (forced) return;
    forced = true;
    const code = signalExitCode(signal);
    if (!options.onSecondSignal) {
      host.writeErr(`${options.name}: second ${signal}: exiting now\n`);
      return exit(code);
    }
    const capMs = options.secondSignalMs ?? 5_000;
    host.watchdog(capMs + WATCHDOG_MARGIN_MS);
    removers.push(host.setTimer(() => exit(code), capMs));
    void Promise.resolve()
      .then(() => options.onSecondSignal?.(signal))
      .catch(() => undefined)
      .then(() => exit(code));
  };
  const onSignal = (signal: StopSignal) => {
    signals += 1;
    if (signals >= 2 && request !== null) second(signal);
    else if (request === null) first({ signal, from: "signal" });
  };
  for (const signal of options.signals ?? STOP_SIGNALS) {
    removers.push(host.onSignal(signal, () => onSignal(signal)));
  }
  removers.push(
    host.onLauncher((signal) => {
      if (request === null) first({ signal, from: "launcher" });
    }),
  );
  return {
    get request() {
      return request;
    },
    exit,
    dispose: () => {
      for (const remove of removers.splice(0)) remove();
    },
  };
}

type Guarded = NodeJS.WriteStream & { [GUARDED]?: { failed: boolean } };
const GUARDED = Symbol.for("thunderagent.cliKit.guardedStream");

function guard(stream: Guarded): { failed: boolean } {
  let state = stream[GUARDED];
  if (!state) {
    const s = { failed: false };
    stream.on("error", () => {
      s.failed = true;
    });
    stream[GUARDED] = s;
    state = s;
  }
  return state;
}

/**
 * Makes process.stdout and process.stderr unable to crash the process: EPIPE (the reader went
 * away) and later write errors are absorbed; later writes are dropped. Idempotent.
 */
export function guardStdio(): void {
  guard(process.stdout);
  guard(process.stderr);
}

/** Writes unless the stream has failed or closed; never throws. */
export function safeWrite(stream: NodeJS.WriteStream, text: string): void {
  const state = guard(stream);
  if (state.failed || stream.destroyed || stream.writableEnded) return;
  try {
    stream.write(text);
  } catch {
    state.failed = true;
  }
}

/**
 * A logger destination (pino, Fastify's `logger.stream`) that writes through process.stdout with
 * {@link safeWrite}: non-blocking on a pipe, silent once the reader is gone.
 */
export function safeStdout(): { write(line: string): void } {
  return { write: (line) => safeWrite(process.stdout, line) };
}

const WATCHDOG_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
let timer;
const arm = (ms) => {
  clearTimeout(timer);
  timer = setTimeout(() => process.kill(workerData.pid, "SIGKILL"), ms);
};
arm(workerData.ms);
parentPort.on("message", arm);
`;

function isStopMessage(msg: unknown): msg is { thunderagent: "stop"; signal?: unknown } {
  return (
    typeof msg === "object" &&
    msg !== null &&
    (msg as { thunderagent?: unknown }).thunderagent === LAUNCHER_MESSAGE.stop
  );
}

/** The real process: signals, the launcher's IPC channel, timers, a watchdog thread. */
export function nodeHost(): ShutdownHost {
  guardStdio();
  let watchdog: Worker | null = null;
  let watchdogDeadline = Infinity;
  return {
    onSignal(signal, handler) {
      process.on(signal, handler);
      return () => process.off(signal, handler);
    },
    onLauncher(stop) {
      if (typeof process.send !== "function") return () => {};
      const onMessage = (msg: unknown) => {
        if (!isStopMessage(msg)) return;
        const s = msg.signal;
        stop(s === "SIGINT" || s === "SIGTERM" || s === "SIGHUP" ? s : "SIGTERM");
      };
      const onDisconnect = () => stop("SIGHUP");
      process.on("message", onMessage);
      process.on("disconnect", onDisconnect);
      // The channel must not keep the process alive once the app is done.
      process.channel?.unref();
      try {
        process.send(LAUNCHER_MESSAGE.ready, undefined, {}, () => {});
      } catch {
        /* the launcher is already gone: 'disconnect' follows */
      }
      return () => {
        process.off("message", onMessage);
        process.off("disconnect", onDisconnect);
      };
    },
    setTimer(fn, ms) {
      const t = setTimeout(fn, ms);
      t.unref();
      return () => clearTimeout(t);
    },
    watchdog(ms) {
      const at = Date.now() + ms;
      if (at >= watchdogDeadline) return;
      watchdogDeadline = at;
      if (watchdog) {
        watchdog.postMessage(ms);
        return;
      }
      watchdog = new Worker(WATCHDOG_SOURCE, {
        eval: true,
        workerData: { pid: process.pid, ms },
        execArgv: [],
        stdout: true,
        stderr: true,
      });
      watchdog.on("error", () => {});
      watchdog.unref();
    },
    writeErr: (text) => safeWrite(process.stderr, text),
    exit: (code) => process.exit(code),
  };
}
