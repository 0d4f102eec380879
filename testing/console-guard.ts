// Registered for every vitest project (vitest.shared.ts, setupFiles): a test that writes to the
// test process's stdout or stderr (process.stdout.write, process.stderr.write, console.*) fails in
// afterEach with the captured text. Output of child processes is not affected, nor is vitest's own
// reporter (it writes from the main process). A test that means to write calls allowConsole().
import { afterEach, beforeEach } from "vitest";

type Write = typeof process.stdout.write;

interface GuardState {
  /** Inside a test (between beforeEach and afterEach). */
  inTest: boolean;
  /** allowConsole() called at file level: every test of the file may write. */
  fileAllowed: boolean;
  /** allowConsole() called inside the running test. */
  testAllowed: boolean;
  captured: string[];
}

const KEY = Symbol.for("thunderagent.consoleGuard");
const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace", "dir", "table"] as const;

function state(): GuardState {
  const g = globalThis as { [KEY]?: GuardState };
  g[KEY] ??= { inTest: false, fileAllowed: false, testAllowed: false, captured: [] };
  return g[KEY];
}

/**
 * Lets the current test (called inside a test) or every test of the file (called at file or
 * describe level) write to stdout/stderr without failing.
 */
export function allowConsole(): void {
  const s = state();
  if (s.inTest) s.testAllowed = true;
  else s.fileAllowed = true;
}

function text(chunk: unknown): string {
  return typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
}

function install(): () => void {
  const s = state();
  const outWrite = process.stdout.write;
  const errWrite = process.stderr.write;
  const capture = (stream: string, original: Write): Write =>
    function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      if (!s.fileAllowed && !s.testAllowed) s.captured.push(`[${stream}] ${text(chunk)}`);
      return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as Write;
  process.stdout.write = capture("stdout", outWrite);
  process.stderr.write = capture("stderr", errWrite);
  const saved = CONSOLE_METHODS.map((m) => [m, console[m]] as const);
  for (const [m, original] of saved) {
    console[m] = (...args: unknown[]) => {
      if (!s.fileAllowed && !s.testAllowed) {
        s.captured.push(`[console.${m}] ${args.map((a) => String(a)).join(" ")}\n`);
      }
      (original as (...a: unknown[]) => void).apply(console, args);
    };
  }
  return () => {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
    for (const [m, original] of saved)
      (console as unknown as Record<string, unknown>)[m] = original;
  };
}

let uninstall: (() => void) | undefined;

beforeEach(() => {
  const s = state();
  s.inTest = true;
  s.testAllowed = false;
  s.captured = [];
  uninstall = install();
});

afterEach(() => {
  const s = state();
  uninstall?.();
  uninstall = undefined;
  s.inTest = false;
  const captured = s.captured.join("");
  s.captured = [];
  if (captured !== "") {
    throw new Error(
      "the test wrote to stdout/stderr (call allowConsole() from testing/console-guard.ts if " +
        `that is intended):\n${captured.slice(0, 4000)}`,
    );
  }
});
