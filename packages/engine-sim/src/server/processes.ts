/**
 * Servers run as child processes (engine-sim, the proxy, any router command), as the bench, the
 * conformance harness and the proxy's tests start them: a free loopback port to give one, waiting
 * until its `GET /health` answers (giving up at once if it exits first), and stopping it (SIGTERM,
 * then SIGKILL after a grace period). How to spawn it stays with the caller.
 * @module
 */
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { EngineSimError } from "../model/errors.js";

/** A loopback port that was free a moment ago (for a server started later on a known address). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface HealthWait {
  /** The server's base URL; `${url}/health` is polled. */
  readonly url: string;
  /** The process behind it: its exit ends the wait. */
  readonly child: ChildProcess;
  /** What to call it in errors. */
  readonly name: string;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** What the process printed so far, appended to the error. */
  readonly output?: () => string;
}

/**
 * Resolves once `GET <url>/health` answers 2xx. Rejects with an {@link EngineSimError}:
 * `child_exited` when the process exits first, `health_timeout` (retryable) when time runs out.
 */
export async function waitUntilHealthy(w: HealthWait): Promise<void> {
  const tail = () => (w.output ? `:\n${w.output()}` : "");
  const deadline = Date.now() + w.timeoutMs;
  while (Date.now() < deadline) {
    if (w.child.exitCode !== null) {
      throw new EngineSimError(
        "child_exited",
        `${w.name} exited with ${w.child.exitCode} before ${w.url}/health answered${tail()}`,
      );
    }
    try {
      const res = await fetch(`${w.url}/health`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, w.intervalMs));
  }
  throw new EngineSimError(
    "health_timeout",
    `${w.name} did not answer ${w.url}/health within ${w.timeoutMs / 1000} s${tail()}`,
    { retryable: true },
  );
}

/**
 * Stops a child: SIGTERM to it (`group`: to its whole process group, for a child spawned with
 * `detached: true`), SIGKILL after `graceMs`; resolves once it has exited.
 */
export async function stopChild(
  child: ChildProcess,
  opts: { graceMs: number; group?: boolean },
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (opts.group && child.pid !== undefined) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const killTimer = setTimeout(() => signal("SIGKILL"), opts.graceMs);
  await exited;
  clearTimeout(killTimer);
}
