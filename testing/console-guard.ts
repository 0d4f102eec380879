// Registered for every vitest project (vitest.shared.ts, setupFiles): a test that writes to the
// test process's stdout or stderr (process.stdout.write, process.stderr.write, console.*) fails in
// afterEach with the captured text. Output of child processes is not affected, nor is vitest's own
// reporter (it writes from the main process). A test that means to write calls allowConsole().
import { afterEach, beforeEach, onTestFinished } from "vitest";

type Write = typeof process.stdout.write;

interface GuardState {
  /** Tests running now (more than one under describe.concurrent). */
  running: number;
  /** allowConsole() called at file level: every test of the file may write. */
  fileAllowed: boolean;
  /** Running tests that called allowConsole(). */
  allowing: number;
  captured: string[];
}

const KEY = Symbol.for("thunderagent.consoleGuard");
const WRAPPED = Symbol.for("thunderagent.consoleGuard.wrapped");
const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace", "dir", "table"] as const;

function state(): GuardState {
  const g = globalThis as { [KEY]?: GuardState };
  g[KEY] ??= { running: 0, fileAllowed: false, allowing: 0, captured: [] };
  return g[KEY];
}

/**
 * Lets the current test (called inside a test) or every test of the file (called at file or
 * describe level) write to stdout/stderr without failing.
 */
export function allowConsole(): void {
  const s = state();
  if (s.running === 0) {
    s.fileAllowed = true;
    return;
  }
  s.allowing += 1;
  onTestFinished(() => {
    s.allowing -= 1;
  });
}

function text(chunk: unknown): string {
  return typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
}

function record(line: string): void {
  const s = state();
  if (s.running > 0 && !s.fileAllowed && s.allowing === 0) s.captured.push(line);
}

type Wrapped = { [WRAPPED]?: true };

/**
 * Wraps the streams and the console once per process (workers run many files), and the console
 * again if vitest gave the file a new one. The wrappers forward everything; they only record.
 */
function install(): void {
  for (const [name, stream] of [
    ["stdout", process.stdout],
    ["stderr", process.stderr],
  ] as const) {
    const original = stream.write;
    if ((original as Wrapped)[WRAPPED]) continue;
    const write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      record(`[${name}] ${text(chunk)}`);
      return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    };
    (write as Wrapped)[WRAPPED] = true;
    stream.write = write as Write;
  }
  const target = console as unknown as Record<string, (...a: unknown[]) => void>;
  for (const m of CONSOLE_METHODS) {
    const original = target[m];
    if (original === undefined || (original as Wrapped)[WRAPPED]) continue;
    const method = (...args: unknown[]) => {
      record(`[console.${m}] ${args.map((a) => String(a)).join(" ")}\n`);
      original.apply(console, args);
    };
    (method as Wrapped)[WRAPPED] = true;
    target[m] = method;
  }
}

install();
state().fileAllowed = false;

beforeEach(() => {
  const s = state();
  if (s.running === 0) s.captured = [];
  s.running += 1;
});

afterEach(() => {
  const s = state();
  s.running = Math.max(0, s.running - 1);
  const captured = s.captured.join("");
  s.captured = [];
  if (captured !== "") {
    throw new Error(
      "the test wrote to stdout/stderr (call allowConsole() from testing/console-guard.ts if " +
        `that is intended):\n${captured.slice(0, 4000)}`,
    );
  }
});
