#!/usr/bin/env node
// Entry point behind the root scripts, so that `npm test` and `npm run reproduce -- …` work on a
// machine that has only Node 20 and npm: it finds or fetches the pinned pnpm, installs the
// workspace when needed (frozen lockfile), then runs the task.
//
//   node scripts/run.mjs test [vitest args…]    all tests, then one "Tests: N passed, N failed" line
//   node scripts/run.mjs app <file.ts> [args…]  run a TypeScript entry point from source
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
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

function runChild(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: "inherit", env: process.env });
    // The terminal already delivers SIGINT to the whole process group; forward SIGTERM only.
    const onTerm = () => child.kill("SIGTERM");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", () => {});
    child.on("exit", (code, signal) => {
      process.off("SIGTERM", onTerm);
      resolve(code ?? (signal ? 128 + 2 : 1));
    });
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
  return runChild(process.execPath, [
    "--conditions=@thunderagent/source",
    "--import",
    `file://${tsx}`,
    join(root, file),
    ...args,
  ]);
}

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
