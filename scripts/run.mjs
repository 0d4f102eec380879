#!/usr/bin/env node
// Entry point behind the root scripts, so that `npm test` and `npm run reproduce -- …` work on a
// machine that has only Node 20 and npm: it finds or fetches the pinned pnpm, installs the
// workspace when needed (frozen lockfile), then runs the task.
//
//   node scripts/run.mjs test [vitest args…]    all tests, then one "Tests: N passed, N failed" line
//   node scripts/run.mjs app <file.ts> [args…]  run a TypeScript entry point from source
//
// Signals. Users run the apps under `timeout`, SLURM, systemd and Kubernetes, which signal the
// whole process group; a terminal's Ctrl-C does too. The chain is `pnpm → sh → run.mjs → app`
// (the root scripts say `exec node scripts/run.mjs …`, so the shell is usually gone, but npm or a
// different script-shell may keep one). Node has no exec(), so run.mjs stays in between, and the
// design is that it never duplicates a signal and never lets the app outlive its caller:
//
// - The app runs in run.mjs's own process group (not detached), so every signal sent to the
//   group (SIGTERM, SIGINT, SIGHUP, and SIGKILL, SIGSTOP/SIGCONT of job control) reaches it
//   exactly once, from the kernel. run.mjs catches SIGINT/SIGTERM/SIGHUP itself and re-sends no
//   signal to an app that can take requests another way.
// - It opens an IPC channel to the app. An app on @thunderagent/cli-kit's installShutdown says
//   `ready` on it; from then on, when run.mjs is signalled (the group's signal, pnpm passing its
//   own SIGTERM on, a `kill` of run.mjs's pid) it sends a `stop` message instead of a signal. The
//   app treats that message as a stop request that is not a signal: idempotent with the signal
//   the group delivers at the same time, never counted as "the second signal" that skips the
//   graceful path. If run.mjs dies (even by SIGKILL), the channel disconnects and the app stops
//   the same way. Which of the two arrives first does not matter.
// - A child that never says `ready` (vitest, an entry point not on installShutdown) gets the
//   signal passed on instead, once.
// - Started by a package manager (npm_lifecycle_event is set), run.mjs watches its callers: itself
//   and each shell between it and the package manager must keep the parent they had at the start.
//   When pnpm dies (SIGTERM to pnpm alone makes it SIGTERM its shell and exit; SIGKILL) one of
//   those parents changes, and run.mjs asks the app to stop (as SIGHUP: the caller hung up). So a
//   signal to the group or to the top process leaves no orphan. Polled every 500 ms: Linux reads
//   /proc, elsewhere `ps`.
// - run.mjs exits only after the app, with its exit code (128 + n when the app died by signal n),
//   and never escalates: the app's own drain deadline and second-signal rule end it.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const pnpmSpec = pkg.packageManager; // e.g. pnpm@10.34.8

function pnpmCommand() {
  const own = spawnSync("pnpm", ["--version"], { encoding: "utf8", shell: false });
  const wanted = pnpmSpec.split("@")[1];
  if (own.status === 0 && own.stdout.trim().split(".")[0] === wanted.split(".")[0]) {
    return ["pnpm", []];
  }
  return ["npx", ["--yes", pnpmSpec]];
}

function needsInstall() {
  const marker = join(root, "node_modules", ".pnpm", "lock.yaml");
  if (!existsSync(marker)) return true;
  return statSync(join(root, "pnpm-lock.yaml")).mtimeMs > statSync(marker).mtimeMs;
}

function ensureInstalled() {
  if (!needsInstall()) return;
  const [cmd, pre] = pnpmCommand();
  process.stderr.write(
    `[thunderagent] installing the workspace with ${pnpmSpec} (first run only)…\n`,
  );
  const res = spawnSync(cmd, [...pre, "install", "--frozen-lockfile"], {
    cwd: root,
    stdio: "inherit",
  });
  if (res.status !== 0) {
    process.stderr.write("[thunderagent] install failed; see the output above.\n");
    process.exit(res.status ?? 1);
  }
}

const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
const SHELLS = new Set(["sh", "dash", "bash", "zsh", "ksh", "mksh", "ash", "busybox"]);

/** A process's parent and command name, or null when it is gone. */
function procInfo(pid) {
  if (process.platform === "linux") {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const open = stat.indexOf("(");
      const close = stat.lastIndexOf(")");
      const [state, ppid] = stat.slice(close + 2).split(" ");
      if (state === "Z" || state === "X") return null;
      return { ppid: Number(ppid), comm: stat.slice(open + 1, close) };
    } catch {
      return null;
    }
  }
  const ps = spawnSync("ps", ["-o", "ppid=,comm=", "-p", String(pid)], { encoding: "utf8" });
  const m = /^\s*(\d+)\s+(.*)$/.exec(ps.stdout ?? "");
  return m ? { ppid: Number(m[1]), comm: m[2].trim().split("/").pop() } : null;
}

/**
 * Calls `onGone` once when the package manager that started this script, or a shell between it
 * and run.mjs, is gone: each of them must keep the parent it had at the start.
 */
function watchCallers(onGone) {
  if (!process.env.npm_lifecycle_event || process.platform === "win32") return () => {};
  const chain = [{ pid: process.pid, ppid: process.ppid }];
  for (let pid = process.ppid; chain.length < 5;) {
    const info = procInfo(pid);
    if (!info || !SHELLS.has(info.comm)) break;
    chain.push({ pid, ppid: info.ppid });
    pid = info.ppid;
  }
  const parentOf = (pid) => (pid === process.pid ? process.ppid : procInfo(pid)?.ppid);
  const timer = setInterval(() => {
    if (chain.every(({ pid, ppid }) => parentOf(pid) === ppid)) return;
    clearInterval(timer);
    onGone();
  }, 500);
  return () => clearInterval(timer);
}

/** Runs the child in this process group and passes stop requests on (see the header). */
function runChild(cmd, args, { ipc = false } = {}) {
  return new Promise((resolve) => {
    const stdio = ipc ? ["inherit", "inherit", "inherit", "ipc"] : "inherit";
    const child = spawn(cmd, args, { cwd: root, stdio, env: process.env });
    let ready = false;
    let passedOn = false;
    child.on("message", (msg) => {
      if (msg && msg.thunderagent === "ready") ready = true;
    });
    const stop = (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (ready && child.connected) {
        child.send({ thunderagent: "stop", signal }, () => {});
      } else if (!passedOn) {
        passedOn = true;
        child.kill(signal);
      }
    };
    const handlers = STOP_SIGNALS.map((signal) => [signal, () => stop(signal)]);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const unwatch = watchCallers(() => stop("SIGHUP"));
    const done = (code) => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      unwatch();
      resolve(code);
    };
    child.on("error", (err) => {
      process.stderr.write(`[thunderagent] cannot start ${cmd}: ${err.message}\n`);
      done(1);
    });
    child.on("exit", (code, signal) => done(code ?? 128 + (constants.signals[signal] ?? 0)));
  });
}

async function runTests(extra) {
  const report = join(root, ".vitest-report.json");
  rmSync(report, { force: true });
  const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
  const code = await runChild(process.execPath, [
    vitest,
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
    ...extra,
  ]);
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, "utf8"));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    process.stdout.write(
      `\nTests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped\n`,
    );
  }
  return code;
}

async function runApp(file, args) {
  if (!file) {
    process.stderr.write("usage: node scripts/run.mjs app <entry.ts> [args…]\n");
    return 2;
  }
  const tsx = join(root, "node_modules", "tsx", "dist", "esm", "index.mjs");
  return runChild(
    process.execPath,
    ["--conditions=@thunderagent/source", "--import", `file://${tsx}`, join(root, file), ...args],
    { ipc: true },
  );
}

// A reader that went away must not crash run.mjs (EPIPE on its own few lines).
process.stdout.on("error", () => {});
process.stderr.on("error", () => {});
const [task, ...rest] = process.argv.slice(2);
ensureInstalled();
let code;
if (task === "test") code = await runTests(rest);
else if (task === "app") code = await runApp(rest[0], rest.slice(1));
else {
  process.stderr.write(`unknown task "${task}": expected "test" or "app"\n`);
  code = 2;
}
process.exit(code);
