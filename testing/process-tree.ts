// For the signal tests of every app: run a root script as a user does (`pnpm <script> …`, through
// scripts/run.mjs), as the leader of its own process group, and watch the whole process tree in
// /proc (Linux) until every member is gone. A process is named by its pid and start time, so a
// pid the kernel hands out again is not mistaken for a survivor.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface ProcRef {
  readonly pid: number;
  readonly startTime: string;
  readonly cmdline: string;
}

interface Stat {
  readonly pid: number;
  readonly ppid: number;
  readonly state: string;
  readonly startTime: string;
}

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) S ppid pgrp …": comm may hold spaces and parentheses; split after the last ')'.
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { pid, state: f[0] ?? "?", ppid: Number(f[1]), startTime: f[19] ?? "" };
  } catch {
    return null;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "?";
  }
}

const live = (s: Stat | null): s is Stat => s !== null && s.state !== "Z" && s.state !== "X";

/** `pid` and every live descendant of it, whatever process group they moved to. */
export function processTree(pid: number): ProcRef[] {
  const stats = readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .map((n) => readStat(Number(n)))
    .filter(live);
  const out: ProcRef[] = [];
  const seen = new Set<number>();
  const visit = (p: number) => {
    if (seen.has(p)) return;
    seen.add(p);
    const s = stats.find((x) => x.pid === p);
    if (s) out.push({ pid: p, startTime: s.startTime, cmdline: cmdline(p) });
    for (const c of stats) if (c.ppid === p) visit(c.pid);
  };
  visit(pid);
  return out;
}

/** The same process still running (same pid and start time, not a zombie). */
export function stillRunning(ref: ProcRef): boolean {
  const s = readStat(ref.pid);
  return live(s) && s.startTime === ref.startTime;
}

/** Polls until none of `refs` runs; returns how long it took, or throws naming the survivors. */
export async function allGone(refs: readonly ProcRef[], timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const left = refs.filter(stillRunning);
    if (left.length === 0) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) {
      for (const r of left) {
        try {
          process.kill(r.pid, "SIGKILL");
        } catch {
          /* gone meanwhile */
        }
      }
      throw new Error(
        `still running ${timeoutMs} ms after the signal:\n${left.map((r) => `  ${r.pid} ${r.cmdline}`).join("\n")}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ScriptRun {
  /** pnpm, the leader of the run's process group. */
  readonly child: ChildProcess;
  readonly pid: number;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first match in stdout + stderr; rejects if the run ends first or on timeout. */
  readonly waitFor: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>;
  /** Kills whatever is left of the tree (afterEach). */
  readonly cleanup: () => void;
}

/**
 * `pnpm <script> [args]` in the repository root, detached: the test holds its own process group
 * (`process.kill(-run.pid, sig)`) and its top process (`process.kill(run.pid, sig)`).
 */
export function runScript(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): ScriptRun {
  const child = spawn("pnpm", ["--silent", script, ...args], {
    cwd: REPO_ROOT,
    detached: true,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  child.stdout?.on("error", () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on("close", (code, signal) => r({ code, signal })),
  );
  let ended: string | null = null;
  void exited.then((e) => (ended = `code ${e.code}, signal ${e.signal}`));
  const pid = child.pid ?? -1;
  let seen: ProcRef[] = [];
  const waitFor = async (pattern: RegExp, timeoutMs: number) => {
    const t0 = Date.now();
    for (;;) {
      const m = (out + err).match(pattern);
      if (m) return m;
      if (ended)
        throw new Error(`pnpm ${script} ended (${ended}) before ${pattern}:\n${out}${err}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`no ${pattern} in:\n${out}${err}`);
      seen = [...seen, ...processTree(pid).filter((r) => !seen.some((s) => s.pid === r.pid))];
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const cleanup = () => {
    for (const r of [...seen, ...processTree(pid)].filter(stillRunning)) {
      try {
        process.kill(r.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  };
  return { child, pid, stdout: () => out, stderr: () => err, exited, waitFor, cleanup };
}
