/**
 * Every process the orchestrator starts goes through here: execa, its own process group, its
 * output appended to a log file. Any child that exits on its own (unless it was allowed to, like a
 * runner that finished) fails the run. `stopAll` stops everything on every exit path: SIGTERM to
 * each group, SIGKILL after the grace period, and it returns only when no member is left. A
 * detached reaper holds a pipe to the orchestrator and kills the groups should the orchestrator
 * itself die without cleaning up (SIGKILL). `killNow` is the second signal's: SIGKILL at once.
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { execa } from "execa";
import { ReproduceError } from "./errors.js";
import type { ProcessSpec } from "./plan-types.js";
import { descendants, groupMembers, isAlive } from "./proc-tree.js";
import { tailLog } from "./tail-log.js";

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: string | null;
}

export interface Child {
  readonly spec: ProcessSpec;
  readonly pid: number;
  readonly startedAt: number;
  readonly exited: Promise<ExitInfo>;
  exit: ExitInfo | null;
  /** The orchestrator asked it to stop, or allowed it to exit (a runner finishing). */
  expected: boolean;
}

/** A process of the run exited when it should not have (code `child_failed`). */
export class ChildFailedError extends ReproduceError {
  override readonly name: string = "ChildFailedError";
  constructor(message: string) {
    super("child_failed", message);
  }
}

export interface SupervisorOptions {
  readonly graceS: number;
  /** Where the list of every started process is kept ({name, pid}[]), rewritten on each start. */
  readonly pidFile?: string;
  readonly log?: (line: string) => void;
  /** Start the reaper that cleans up if this process is SIGKILLed (default true). */
  readonly reaper?: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const REAPER_SCRIPT = `
const groups = new Set();
let buf = "";
process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf("\\n")) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    const n = Number(line.slice(1));
    if (line[0] === "+") groups.add(n); else if (line[0] === "-") groups.delete(n);
  }
});
const kill = (sig) => { for (const g of groups) { try { process.kill(-g, sig); } catch {} } };
process.stdin.on("end", () => {
  if (groups.size === 0) process.exit(0);
  kill("SIGTERM");
  setTimeout(() => { kill("SIGKILL"); process.exit(0); }, Number(process.argv[1] || 10) * 1000);
});
`;

function spawnLogged(spec: ProcessSpec) {
  return execa(spec.command, [...spec.args], {
    env: { ...spec.env },
    detached: true,
    cleanup: false,
    reject: false,
    buffer: false,
    stdin: "ignore",
    stdout: { file: spec.logFile, append: true },
    stderr: { file: spec.logFile, append: true },
    forceKillAfterDelay: false,
  });
}

export class Supervisor {
  private readonly children: Child[] = [];
  private readonly started: Array<{ name: string; pid: number; role: string }> = [];
  private failure: ((err: Error) => void) | null = null;
  /** Rejects when a child exits unexpectedly. Never resolves. */
  readonly failed: Promise<never>;
  private reaper: ChildProcess | null = null;
  private stopping = false;

  constructor(private readonly opts: SupervisorOptions) {
    this.failed = new Promise<never>((_, reject) => {
      this.failure = reject;
    });
    this.failed.catch(() => {}); // observed by whoever races it
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  private ensureReaper(): void {
    if (this.reaper || this.opts.reaper === false) return;
    this.reaper = spawn(process.execPath, ["-e", REAPER_SCRIPT, String(this.opts.graceS)], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
    });
    this.reaper.on("error", () => {});
    this.reaper.stdin?.on("error", () => {});
    this.reaper.unref();
    (this.reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }

  private tellReaper(line: string): void {
    this.reaper?.stdin?.write(`${line}\n`);
  }

  private writePidFile(): void {
    if (!this.opts.pidFile) return;
    mkdirSync(dirname(this.opts.pidFile), { recursive: true });
    const tmp = `${this.opts.pidFile}.tmp`;
    writeFileSync(
      tmp,
      JSON.stringify({ orchestrator: process.pid, children: this.started }, null, 2),
    );
    renameSync(tmp, this.opts.pidFile);
  }

  /** Starts a process in its own group with its output appended to its log file. */
  start(spec: ProcessSpec): Child {
    if (this.stopping) {
      throw new ReproduceError("stopping", `not starting ${spec.name}: the run is stopping`);
    }
    this.ensureReaper();
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const sub = spawnLogged(spec);
    const pid = sub.pid;
    if (pid === undefined) {
      // Spawn failed (e.g. ENOENT): execa's promise carries the reason.
      const exited = sub.then(() => ({ code: null, signal: null }));
      const child: Child = {
        spec,
        pid: -1,
        startedAt: Date.now() / 1000,
        exited,
        exit: null,
        expected: false,
      };
      void sub.then((res) => {
        child.exit = { code: null, signal: null };
        this.fail(
          new ChildFailedError(
            `could not start ${spec.name} (${spec.command}): ${res.shortMessage ?? "spawn failed"}`,
          ),
        );
      });
      return child;
    }
    const child: Child = {
      spec,
      pid,
      startedAt: Date.now() / 1000,
      exit: null,
      expected: false,
      // The leader's own exit, not execa's promise: that one waits for every holder of the log
      // pipes, which may be a grandchild that outlives its parent.
      exited: new Promise<ExitInfo>((resolve) => {
        sub.once("exit", (code, signal) => resolve({ code, signal }));
      }),
    };
    void sub.then(() => undefined);
    this.children.push(child);
    this.started.push({ name: spec.name, pid, role: spec.role });
    this.tellReaper(`+${pid}`);
    this.writePidFile();
    this.log(`started ${spec.name} (pid ${pid}), log: ${spec.logFile}`);
    void child.exited.then((info) => {
      child.exit = info;
      if (!child.expected && !this.stopping) {
        const how = info.signal ? `signal ${info.signal}` : `code ${info.code}`;
        this.fail(
          new ChildFailedError(
            `${spec.name} exited unexpectedly (${how}); last lines of ${spec.logFile}:\n${tailLog(spec.logFile)}`,
          ),
        );
      }
    });
    return child;
  }

  private fail(err: Error): void {
    this.failure?.(err);
  }

  /** Stops one child's whole group: SIGTERM, then SIGKILL after the grace period. */
  async stop(child: Child): Promise<void> {
    child.expected = true;
    if (child.pid <= 0) return;
    await this.killGroups([child]);
    this.tellReaper(`-${child.pid}`);
  }

  /** Stops every child still running, the latest started first; resolves when none is left. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    const live = [...this.children].reverse();
    for (const c of live) c.expected = true;
    await this.killGroups(live);
    for (const c of live) this.tellReaper(`-${c.pid}`);
    if (this.reaper) {
      this.reaper.stdin?.end();
      this.reaper = null;
    }
  }

  /**
   * SIGKILL, now, to every child's group and every descendant that left it (a second signal: the
   * orchestrator exits next); the reaper is told they are gone and ends too.
   */
  killNow(): void {
    this.stopping = true;
    for (const c of this.children) {
      c.expected = true;
      if (c.pid <= 0) continue;
      for (const pid of [...descendants(c.pid), -c.pid]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* gone */
        }
      }
      this.tellReaper(`-${c.pid}`);
    }
    this.reaper?.stdin?.end();
    this.reaper = null;
  }

  /** Escalating SIGTERM → SIGKILL, sent to each group and to every descendant that left it. */
  private async killGroups(children: readonly Child[]): Promise<void> {
    const targets = children.filter((c) => c.pid > 0);
    const strays = new Set<number>();
    const collect = () => {
      for (const c of targets) for (const d of descendants(c.pid)) strays.add(d);
    };
    const signal = (sig: NodeJS.Signals) => {
      collect();
      for (const c of targets) {
        try {
          process.kill(-c.pid, sig);
        } catch {
          /* the group is gone */
        }
      }
      for (const p of strays) {
        try {
          process.kill(p, sig);
        } catch {
          /* gone */
        }
      }
    };
    const anyLeft = () =>
      targets.some((c) => groupMembers(c.pid).length > 0 || isAlive(c.pid)) ||
      [...strays].some((p) => isAlive(p));
    if (!anyLeft()) return;
    for (const c of targets) {
      if (c.exit === null) this.log(`stopping ${c.spec.name} (pid ${c.pid})`);
    }
    signal("SIGTERM");
    const deadline = Date.now() + this.opts.graceS * 1000;
    while (anyLeft() && Date.now() < deadline) await sleep(100);
    if (anyLeft()) {
      this.log(`grace period over: SIGKILL to ${targets.map((c) => c.spec.name).join(", ")}`);
      signal("SIGKILL");
      const hard = Date.now() + 10_000;
      while (anyLeft() && Date.now() < hard) await sleep(100);
    }
    await Promise.all(
      targets.map((c) => Promise.race([c.exited, sleep(5_000)]).catch(() => undefined)),
    );
  }

  list(): readonly Child[] {
    return this.children;
  }
}
