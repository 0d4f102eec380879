// Shared by the tests: where the stand-ins live, and running the orchestrator as a real process.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isAlive } from "../src/proc-tree.js";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, "..", "..", "..");
export const BIN = join(here, "fixtures", "bin");
export const FAKE_ROOT = join(here, "fixtures", "root");
export const MAIN = join(REPO_ROOT, "apps", "reproduce", "src", "main.ts");
export const TSX = join(REPO_ROOT, "node_modules", "tsx", "dist", "esm", "index.mjs");

export function tempDir(prefix = "reproduce-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** PATH with the stand-in vllm and nvidia-smi first. */
export function standInPath(): string {
  return `${BIN}${delimiter}${process.env.PATH ?? ""}`;
}

// Below Linux's ephemeral range (32768 up): a port there may be held by any outgoing connection
// on the machine, and a stand-in that cannot bind leaves the orchestrator waiting on its health.
let nextPort = 20000 + Math.floor(Math.random() * 12000);
/** Distinct ports per test (files run in parallel workers; a random base avoids clashes). */
export function ports(n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => nextPort + i);
  nextPort += n + 1;
  return out;
}

export interface Spawned {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The orchestrator run in `cwd` as the caller's directory: the INIT_CWD that `pnpm test` put in
 * this process's environment is left out (pass one in `env` to act as `pnpm reproduce` would).
 */
export function spawnMain(args: string[], env: NodeJS.ProcessEnv, cwd: string): Spawned {
  const { INIT_CWD: _, ...inherited } = process.env;
  const child = spawn(
    process.execPath,
    ["--conditions=@thunderagent/source", "--import", `file://${TSX}`, MAIN, ...args],
    { cwd, env: { ...inherited, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on("exit", (code, signal) => r({ code, signal })),
  );
  return { child, output: () => out, exited };
}

export async function waitFor<T>(
  what: string,
  probe: () => T | null | undefined | false,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface PidFile {
  orchestrator: number;
  children: Array<{ name: string; pid: number; role: string }>;
}

export function readPids(path: string): PidFile | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as PidFile;
  } catch {
    return null;
  }
}

export async function allGone(pids: readonly number[], timeoutMs = 30_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter((p) => isAlive(p));
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `glm4.6` on fresh ports with a 5 s grace: the arguments every stand-in run starts with. */
export function standInArgs(): string[] {
  const [vllmPort, proxyPort] = ports(2);
  return [
    "glm4.6",
    "--vllm-port",
    String(vllmPort),
    "--proxy-port",
    String(proxyPort),
    "--grace",
    "5",
  ];
}

/** The environment of a run on the stand-ins: vllm and nvidia-smi on PATH, router and runner. */
export function standInEnv(cwd: string): Record<string, string> {
  return {
    PATH: standInPath(),
    HF_HOME: join(cwd, "hf"),
    REPRODUCE_ENTRY_ROOT: FAKE_ROOT,
    FAKE_VLLM_TIME_SCALE: "0.01",
  };
}
