/**
 * Runs ANY router command line: a template with placeholders, started through the shell in its
 * own process group (so the whole group is stopped at the end), ready once `GET /health` answers.
 *
 * Placeholders: {port} {backends} (comma-separated URLs) {schedulerInterval} {metricsInterval}
 * {forceResumeS} {profileDir} {flags} (the scenario's ThunderAgent flags, e.g.
 * `--use-acting-token-decay --acting-token-weight 0.5`).
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, stopChild, waitUntilHealthy } from "@thunderagent/engine-sim";
import { ConformanceError } from "./errors.js";

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

export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = values[key];
    if (v === undefined) {
      throw new ConformanceError(
        "unknown_placeholder",
        `router command: unknown placeholder ${whole}`,
      );
    }
    return v;
  });
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
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child, { group: true, graceMs: 5000 });
    rmSync(profileDir, { recursive: true, force: true });
  };
  try {
    await waitUntilHealthy({
      url,
      child,
      name: "router",
      timeoutMs: 60_000,
      intervalMs: 100,
      output: () => log,
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, output: () => log, stop };
}
