/**
 * Processes for the chaos suite: engine-sim and the proxy run as real child processes (so a test
 * can SIGKILL a backend or SIGTERM the router), started from source like the CLI tests do.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { request } from "undici";
import { freePort } from "../helpers/ports.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..", "..");
const tsx = pathToFileURL(join(root, "node_modules", "tsx", "dist", "esm", "index.mjs")).href;

export interface Proc {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr(): string;
}

async function waitHealthy(url: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const res = await request(`${url}/health`, { headersTimeout: 1000 });
      await res.body.text();
      if (res.statusCode < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function start(entry: string, args: string[]): Promise<Proc> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      "--conditions=@thunderagent/source",
      "--import",
      tsx,
      join(root, entry),
      ...args,
      "--port",
      String(port),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  return { url, child, exited, stderr: () => err };
}

/** engine-sim on a free port; `timeScale` slows generation down so streams stay in flight. */
export function startEngineProcess(timeScale = 0.2): Promise<Proc> {
  return start("packages/engine-sim/src/main.ts", [
    "--host",
    "127.0.0.1",
    "--time-scale",
    String(timeScale),
    "--kv-tokens",
    "400000",
    "--log-level",
    "silent",
  ]);
}

/** The `thunderagent` CLI in front of `backends`. */
export function startProxyProcess(backends: string[], extra: string[] = []): Promise<Proc> {
  return start("apps/proxy/src/main.ts", [
    "--host",
    "127.0.0.1",
    "--backends",
    backends.join(","),
    "--log-level",
    "warn",
    ...extra,
  ]);
}

export async function stop(p: Proc, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  await p.exited;
}
