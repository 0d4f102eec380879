// The bench commands as real processes: --help and --version run nothing (bench:core used to run
// the benchmark and overwrite docs/results/router-core.md on --help), errors are one line with
// exit 2, and a relative -o is the caller's (INIT_CWD, which `pnpm bench:core` sets).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TSX = join(ROOT, "node_modules", "tsx", "dist", "esm", "index.mjs");
const ENTRY = {
  core: join(ROOT, "apps/bench/src/core/main.ts"),
  sched: join(ROOT, "apps/bench/src/sched/main.ts"),
  proxy: join(ROOT, "apps/bench/src/proxy/main.ts"),
} as const;
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, "apps/bench/package.json"), "utf8")) as { version: string }
).version;

function run(entry: keyof typeof ENTRY, args: string[], env: Record<string, string> = {}) {
  const { INIT_CWD: _, ...inherited } = process.env;
  const child = spawn(
    process.execPath,
    ["--conditions=@thunderagent/source", "--import", `file://${TSX}`, ENTRY[entry], ...args],
    { cwd: tmpdir(), env: { ...inherited, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((res) =>
    child.on("exit", (code) => res({ code, stdout, stderr })),
  );
}

const snapshot = (file: string) => ({
  text: readFileSync(file, "utf8"),
  mtimeMs: statSync(file).mtimeMs,
});

describe("bench commands", () => {
  it("--help and --version print and exit 0; the tracked results are not touched", async () => {
    const results = ["router-core.md", "proxy.md"].map((f) => join(ROOT, "docs/results", f));
    const before = results.map(snapshot);
    const runs = await Promise.all([
      run("core", ["--help"]),
      run("proxy", ["--help"]),
      run("sched", ["--help"]),
      run("core", ["--version"]),
      run("proxy", ["--version"]),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const [core, proxy, sched, coreVersion, proxyVersion] = runs;
    expect(core!.stdout).toMatch(/^Usage: bench:core \[options\]/);
    expect(core!.stdout).toContain("--no-write");
    expect(proxy!.stdout).toMatch(/^Usage: bench:proxy \[options\]/);
    expect(sched!.stdout).toMatch(/^Usage: bench:sched \[options\]/);
    expect(coreVersion!.stdout).toBe(`${VERSION}\n`);
    expect(proxyVersion!.stdout).toBe(`${VERSION}\n`);
    expect(results.map(snapshot)).toEqual(before);
  }, 150_000);

  it("a bad value or an unknown flag is one line and exit 2", async () => {
    const [ticks, typo, pin, seeds] = await Promise.all([
      run("core", ["--ticks", "abc"]),
      run("core", ["--tick", "5"]),
      run("proxy", ["--pin", "maybe"]),
      run("sched", ["--seeds", "0"]),
    ]);
    for (const r of [ticks, typo, pin, seeds]) expect(r.code).toBe(2);
    expect(ticks.stderr).toBe(
      'bench:core: --ticks must be a whole number ≥ 1, got "abc" (see --help)\n',
    );
    expect(typo.stderr).toBe(
      "bench:core: unknown option '--tick'; did you mean --ticks? (see --help)\n",
    );
    expect(pin.stderr).toBe(
      'bench:proxy: --pin must be one of auto, on, off, got "maybe" (see --help)\n',
    );
    expect(seeds.stderr).toBe('bench:sched: --seeds must be ≥ 1, got "0" (see --help)\n');
  }, 150_000);

  it("bench:core writes a relative -o into INIT_CWD", async () => {
    const caller = mkdtempSync(join(tmpdir(), "bench-core-"));
    const r = await run(
      "core",
      ["--ticks", "1", "--replays", "1", "--pairs", "100", "--rounds", "1", "-o", "core.md"],
      { INIT_CWD: caller },
    );
    expect([0, 1], r.stderr).toContain(r.code); // 1 = a target missed on a loaded machine
    expect(r.stdout).toContain(`wrote ${join(caller, "core.md")}`);
    expect(readFileSync(join(caller, "core.md"), "utf8")).toMatch(/^# router-core benchmark/);
  }, 150_000);
});
