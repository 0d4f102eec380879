/**
 * Runs ANY router command line: a template with placeholders, started through the shell in its
 * own process group (so the whole group is stopped at the end), ready once `GET /health` answers.
 *
 * Placeholders: {port} {backends} (comma-separated URLs) {schedulerInterval} {metricsInterval}
 * {forceResumeS} {profileDir} {flags} (the scenario's ThunderAgent flags, e.g.
 * `--use-acting-token-decay --acting-token-weight 0.5`).
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RouterSettings {
  schedulerInterval: number;
  metricsInterval: number;
}

export interface LaunchInput extends RouterSettings {
  backends: string[];
  flags: string[];
  forceResumeS: number;
}

export interface RunningRouter {
  url: string;
  /** What the router printed (for error messages). */
  output(): string;
  stop(): Promise<void>;
}

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

export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`router command: unknown placeholder ${whole}`);
    return v;
  });
}

async function waitReady(url: string, child: ChildProcess, out: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`router exited with ${child.exitCode} before it was ready:\n${out()}`);
    }
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`router not ready at ${url} after 60 s:\n${out()}`);
}

export async function launchRouter(
  template: string,
  input: LaunchInput,
  cwd: string,
): Promise<RunningRouter> {
  const port = await freePort();
  const profileDir = mkdtempSync(join(tmpdir(), "conformance-profile-"));
  const command = fillTemplate(template, {
    port: String(port),
    backends: input.backends.join(","),
    schedulerInterval: String(input.schedulerInterval),
    metricsInterval: String(input.metricsInterval),
    forceResumeS: String(input.forceResumeS),
    profileDir,
    flags: input.flags.join(" "),
  });
  const child = spawn(command, { shell: true, detached: true, cwd, stdio: "pipe" });
  let log = "";
  const keep = (b: Buffer) => {
    log = (log + b.toString("utf8")).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const killTimer = setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }, 5000);
      await exited;
      clearTimeout(killTimer);
    }
    rmSync(profileDir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => log);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, output: () => log, stop };
}
