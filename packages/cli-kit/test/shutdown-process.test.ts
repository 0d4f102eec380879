// installShutdown in a real process (test/fixtures/shutdown-app.ts): the second signal, the drain
// deadline, the watchdog for a stuck main thread, and the launcher's IPC channel.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..");
const tsx = pathToFileURL(join(root, "node_modules", "tsx", "dist", "esm", "index.mjs")).href;
const app = join(import.meta.dirname, "fixtures", "shutdown-app.ts");

function start(mode: string, drainMs: number, ipc = false) {
  const child = spawn(
    process.execPath,
    ["--conditions=@thunderagent/source", "--import", tsx, app, mode],
    {
      env: { ...process.env, DRAIN_MS: String(drainMs) },
      stdio: ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((r) =>
    child.on("exit", (code, signal) => r({ code, signal, at: Date.now() })),
  );
  const waitFor = async (text: string) => {
    const t0 = Date.now();
    while (!out.includes(text)) {
      if (child.exitCode !== null) throw new Error(`exited before "${text}": ${out}${err}`);
      if (Date.now() - t0 > 60_000) throw new Error(`no "${text}" in: ${out}${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, exited, waitFor, out: () => out, err: () => err };
}

describe.skipIf(process.platform === "win32").concurrent("installShutdown, as a process", () => {
  it("a second signal exits at once, long before the drain deadline", async () => {
    const p = start("hang", 60_000);
    await p.waitFor("ready");
    p.child.kill("SIGTERM");
    await p.waitFor("stop SIGTERM signal");
    const t0 = Date.now();
    p.child.kill("SIGINT");
    const e = await p.exited;
    expect(e.code).toBe(130);
    expect(e.at - t0).toBeLessThan(10_000);
    expect(p.err()).toBe("demo: second SIGINT: exiting now\n");
  }, 90_000);

  it("a graceful path that never ends is cut at the drain deadline: exit 128 + the signal", async () => {
    const p = start("hang", 1_500);
    await p.waitFor("ready");
    const t0 = Date.now();
    p.child.kill("SIGTERM");
    const e = await p.exited;
    expect(e.code).toBe(143);
    expect(e.at - t0).toBeGreaterThanOrEqual(1_400);
    expect(e.at - t0).toBeLessThan(15_000);
    expect(p.err()).toBe("demo: still stopping 2 s after SIGTERM; exiting\n");
  }, 90_000);

  it("a stuck main thread is SIGKILLed by the watchdog a second after the deadline", async () => {
    const p = start("stuck", 1_500);
    await p.waitFor("ready");
    const t0 = Date.now();
    p.child.kill("SIGTERM");
    const e = await p.exited;
    expect(e.signal).toBe("SIGKILL");
    expect(e.at - t0).toBeGreaterThanOrEqual(2_400);
    expect(e.at - t0).toBeLessThan(15_000);
  }, 90_000);

  it("the launcher's stop and the group's SIGTERM together are one stop, not a second signal", async () => {
    const p = start("finish", 60_000, true);
    const ready = new Promise((r) => p.child.once("message", r));
    expect(await ready).toEqual({ thunderagent: "ready" });
    p.child.send({ thunderagent: "stop", signal: "SIGTERM" });
    p.child.kill("SIGTERM");
    const e = await p.exited;
    expect(e.code).toBe(0);
    expect(p.out().match(/^stop /gm)).toHaveLength(1);
    expect(p.err()).toBe("");
  }, 90_000);

  it("the launcher gone (its channel closed) stops it as SIGHUP", async () => {
    const p = start("finish", 60_000, true);
    await new Promise((r) => p.child.once("message", r));
    p.child.disconnect();
    const e = await p.exited;
    expect(e.code).toBe(0);
    expect(p.out()).toContain("stop SIGHUP launcher");
  }, 90_000);

  it("a stdout whose reader is gone does not keep it from stopping", async () => {
    const p = start("finish", 60_000);
    await p.waitFor("ready");
    p.child.stdout!.destroy();
    p.child.kill("SIGTERM");
    expect((await p.exited).code).toBe(0);
  }, 90_000);
});
