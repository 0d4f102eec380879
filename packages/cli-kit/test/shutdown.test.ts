// installShutdown on a fake host: which request starts the graceful path, what counts as the second
// signal, the drain deadline and the watchdog. The apps' signal tests run it for real.
import { describe, expect, it } from "vitest";
import {
  installShutdown,
  signalExitCode,
  type ShutdownHost,
  type ShutdownOptions,
  type StopRequest,
  type StopSignal,
} from "../src/index.js";

function fakeHost() {
  const signalHandlers = new Map<StopSignal, () => void>();
  let launcher: ((s: StopSignal) => void) | null = null;
  const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
  const host = {
    exits: [] as number[],
    watchdogs: [] as number[],
    err: "",
    onSignal(signal: StopSignal, handler: () => void) {
      signalHandlers.set(signal, handler);
      return () => signalHandlers.delete(signal);
    },
    onLauncher(stop: (s: StopSignal) => void) {
      launcher = stop;
      return () => (launcher = null);
    },
    setTimer(fn: () => void, ms: number) {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return () => (t.cleared = true);
    },
    watchdog(ms: number) {
      host.watchdogs.push(ms);
    },
    writeErr(text: string) {
      host.err += text;
    },
    exit(code: number) {
      host.exits.push(code);
    },
  } satisfies ShutdownHost & Record<string, unknown>;
  return {
    host,
    signal: (s: StopSignal) => signalHandlers.get(s)?.(),
    launcher: (s: StopSignal) => launcher?.(s),
    fireTimers: () => {
      for (const t of timers.splice(0)) if (!t.cleared) t.fn();
    },
    timers,
    handlers: signalHandlers,
  };
}

function install(extra: Partial<ShutdownOptions> = {}) {
  const f = fakeHost();
  const stops: StopRequest[] = [];
  const sd = installShutdown({
    name: "demo",
    drainMs: 10_000,
    onStop: (r) => stops.push(r),
    host: f.host,
    ...extra,
  });
  return { ...f, stops, sd };
}

describe("installShutdown", () => {
  it("the first signal starts the graceful path once and arms the deadline and the watchdog", () => {
    const t = install();
    expect([...t.handlers.keys()]).toEqual(["SIGINT", "SIGTERM", "SIGHUP"]);
    t.signal("SIGTERM");
    expect(t.stops).toEqual([{ signal: "SIGTERM", from: "signal" }]);
    expect(t.sd.request).toEqual({ signal: "SIGTERM", from: "signal" });
    expect(t.timers.map((x) => x.ms)).toEqual([10_000]);
    expect(t.host.watchdogs).toEqual([11_000]);
    expect(t.host.exits).toEqual([]);
  });

  it("past the drain deadline it exits with 128 + the signal, saying so", () => {
    const t = install();
    t.signal("SIGINT");
    t.fireTimers();
    expect(t.host.exits).toEqual([130]);
    expect(t.host.err).toBe("demo: still stopping 10 s after SIGINT; exiting\n");
  });

  it("a second signal exits at once", () => {
    const t = install();
    t.signal("SIGTERM");
    t.signal("SIGTERM");
    expect(t.stops).toHaveLength(1);
    expect(t.host.exits).toEqual([143]);
    expect(t.host.err).toBe("demo: second SIGTERM: exiting now\n");
  });

  it("the launcher's stop request is not a signal: the group's SIGTERM that follows is the first", () => {
    const t = install();
    t.launcher("SIGTERM");
    t.signal("SIGTERM");
    expect(t.stops).toEqual([{ signal: "SIGTERM", from: "launcher" }]);
    expect(t.host.exits).toEqual([]);
    t.launcher("SIGHUP"); // the launcher gone as well: still the same stop
    expect(t.host.exits).toEqual([]);
    t.signal("SIGTERM"); // a real second signal
    expect(t.host.exits).toEqual([143]);
  });

  it("a signal first, then the launcher's request: one stop, no exit", () => {
    const t = install();
    t.signal("SIGINT");
    t.launcher("SIGINT");
    expect(t.stops).toEqual([{ signal: "SIGINT", from: "signal" }]);
    expect(t.host.exits).toEqual([]);
  });

  it("onSecondSignal runs before the exit, bounded by its own deadline", async () => {
    let cleaned = false;
    const t = install({
      onSecondSignal: async () => {
        cleaned = true;
      },
      secondSignalMs: 2_000,
    });
    t.signal("SIGTERM");
    t.signal("SIGINT");
    expect(t.host.watchdogs).toEqual([11_000, 3_000]);
    await new Promise((r) => setImmediate(r));
    expect(cleaned).toBe(true);
    expect(t.host.exits).toEqual([130]);
    t.signal("SIGINT"); // a third: nothing more
    t.fireTimers();
    expect(t.host.exits).toEqual([130]);
  });

  it("a graceful path that throws exits with the signal's code", () => {
    const t = install({
      onStop: () => {
        throw new Error("boom");
      },
    });
    t.signal("SIGHUP");
    expect(t.host.exits).toEqual([129]);
    expect(t.host.err).toContain("demo: stopping failed: Error: boom");
  });

  it("exit() exits once; dispose() removes the handlers", () => {
    const t = install();
    t.sd.exit(0);
    t.sd.exit(1);
    expect(t.host.exits).toEqual([0]);
    t.sd.dispose();
    expect(t.handlers.size).toBe(0);
  });

  it("signalExitCode is 128 + the signal's number", () => {
    expect(signalExitCode("SIGINT")).toBe(130);
    expect(signalExitCode("SIGTERM")).toBe(143);
    expect(signalExitCode("SIGHUP")).toBe(129);
  });
});
