/** Servers as child processes: a free port, waiting for /health, stopping (real processes). */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { EngineSimError, freePort, stopChild, waitUntilHealthy } from "../../src/index.js";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

function node(script: string, detached = false): ChildProcess {
  const c = spawn(process.execPath, ["-e", script], { stdio: "pipe", detached });
  children.push(c);
  return c;
}

const HEALTH_SERVER = (port: number) =>
  `require("node:http").createServer((q, s) => s.end(q.url === "/health" ? "ok" : "")).listen(${port}, "127.0.0.1")`;

async function rejection(p: Promise<unknown>): Promise<EngineSimError> {
  try {
    await p;
  } catch (e) {
    return e as EngineSimError;
  }
  throw new Error("expected a rejection");
}

describe("server processes", () => {
  it("freePort gives a loopback port that can be listened on", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(port, "127.0.0.1", () => r()));
    await new Promise<void>((r) => srv.close(() => r()));
  });

  it("waits until /health answers, then stops the child with SIGTERM", async () => {
    const port = await freePort();
    const child = node(HEALTH_SERVER(port));
    const url = `http://127.0.0.1:${port}`;
    await waitUntilHealthy({ url, child, name: "tiny", timeoutMs: 20_000, intervalMs: 50 });
    expect((await fetch(`${url}/health`)).status).toBe(200);
    await stopChild(child, { graceMs: 10_000 });
    expect(child.signalCode).toBe("SIGTERM");
  });

  it("a child that exits first ends the wait with child_exited and its output", async () => {
    const child = node(`console.error("boom"); process.exit(3)`);
    let out = "";
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    await new Promise((r) => child.once("exit", r));
    const err = await rejection(
      waitUntilHealthy({
        url: `http://127.0.0.1:${await freePort()}`,
        child,
        name: "doomed",
        timeoutMs: 20_000,
        intervalMs: 50,
        output: () => out,
      }),
    );
    expect(err).toBeInstanceOf(EngineSimError);
    expect(err).toMatchObject({ code: "child_exited", retryable: false });
    expect(err.message).toMatch(/^doomed exited with 3 before .*\/health answered:\nboom/);
  });

  it("a child that never answers ends the wait with a retryable health_timeout", async () => {
    const child = node("setInterval(() => {}, 1000)");
    const err = await rejection(
      waitUntilHealthy({
        url: `http://127.0.0.1:${await freePort()}`,
        child,
        name: "silent",
        timeoutMs: 300,
        intervalMs: 50,
      }),
    );
    expect(err).toMatchObject({ code: "health_timeout", retryable: true });
  });

  it("a child that ignores SIGTERM is killed after the grace period, its whole group with group", async () => {
    const stubborn = `process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); console.log("ready")`;
    const child = node(stubborn, true);
    await new Promise((r) => child.stdout?.once("data", r));
    await stopChild(child, { graceMs: 200, group: true });
    expect(child.signalCode).toBe("SIGKILL");
    await stopChild(child, { graceMs: 200 }); // already gone: resolves at once
  });
});
