/**
 * The processes under test: engine-sim and the proxy, each in its own Node process (run from
 * source through tsx, as the root scripts do), so the load generator, the proxy and the engine
 * never share an event loop.
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { freePort, stopChild, waitUntilHealthy } from "@thunderagent/engine-sim";
import { BenchError } from "../errors.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");

export interface Child {
  name: string;
  url: string;
  pid: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a TypeScript entry point (relative to the repo root) on a free port. */
export async function startTs(name: string, entry: string, args: string[]): Promise<Child> {
  const port = await freePort();
  const tsx = pathToFileURL(join(ROOT, "node_modules", "tsx", "dist", "esm", "index.mjs")).href;
  const proc = spawn(
    process.execPath,
    [
      "--conditions=@thunderagent/source",
      "--import",
      tsx,
      join(ROOT, entry),
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      ...args,
    ],
    {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, NODE_ENV: "production" },
    },
  );
  let stderr = "";
  proc.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilHealthy({
      url,
      child: proc,
      name,
      timeoutMs: 120_000,
      intervalMs: 200,
      output: () => stderr,
    });
  } catch (err) {
    proc.kill("SIGKILL");
    throw err;
  }
  return {
    name,
    url,
    pid: proc.pid ?? -1,
    proc,
    stop: () => stopChild(proc, { graceMs: 10_000 }),
  };
}

/** Resident set size of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used, in microseconds (Linux /proc, 100 Hz ticks). */
export function cpuMicros(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

/** Whether `taskset` can pin processes here (Linux with util-linux and at least two CPUs). */
export function canPin(cpuCount: number): boolean {
  if (process.platform !== "linux" || cpuCount < 2) return false;
  const r = spawnSync("taskset", ["-p", String(process.pid)], { encoding: "utf8" });
  return r.status === 0;
}

/** Pins every thread of `pid` to `cpu`. */
export function pin(pid: number, cpu: number): void {
  const r = spawnSync("taskset", ["-a", "-p", "-c", String(cpu), String(pid)], {
    encoding: "utf8",
  });
  if (r.status !== 0) {
    throw new BenchError("pin_failed", `taskset could not pin ${pid} to CPU ${cpu}: ${r.stderr}`);
  }
}
