// `pnpm conformance:record|check` as a real process, as far as the command line goes: --help and
// --version run no scenario, a bad mode or a record without a router is one line and exit 2.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/commands.js";

const TSX = join(REPO_ROOT, "node_modules", "tsx", "dist", "esm", "index.mjs");
const MAIN = join(REPO_ROOT, "apps", "conformance", "src", "main.ts");

function run(args: string[]) {
  const child = spawn(
    process.execPath,
    ["--conditions=@thunderagent/source", "--import", `file://${TSX}`, MAIN, ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((res) =>
    child.on("exit", (code) => res({ code, stdout, stderr })),
  );
}

describe("conformance command line", () => {
  it("--help and --version print and exit 0; bad input is one line and exit 2", async () => {
    const [help, version, mode, record, typo] = await Promise.all([
      run(["check", "--help"]),
      run(["--version"]),
      run(["chek"]),
      run(["record"]),
      run(["check", "--scenarios", "x"]),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: conformance record\|check \[options\]/);
    expect(help.stdout).not.toMatch(/PASS|FAIL/);
    const pkg = JSON.parse(
      readFileSync(join(REPO_ROOT, "apps", "conformance", "package.json"), "utf8"),
    ) as { version: string };
    expect(version.stdout).toBe(`${pkg.version}\n`);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toBe(
      'conformance: mode must be one of record, check, got "chek" (see --help)\n',
    );
    expect(record.code).toBe(2);
    expect(record.stderr).toBe(
      "conformance: record needs --original or --router-cmd (see --help)\n",
    );
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      "conformance: unknown option '--scenarios'; did you mean --scenario? (see --help)\n",
    );
  }, 150_000);
});
