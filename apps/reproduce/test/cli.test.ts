// The command line as a real process: --help and --version run nothing, errors are one line with
// exit 2, and relative paths are the caller's (INIT_CWD, which `pnpm reproduce` sets).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, spawnMain, standInPath, tempDir } from "./helpers.js";

async function run(args: string[], env: Record<string, string> = {}) {
  const cwd = tempDir();
  const p = spawnMain(args, { PATH: standInPath(), ...env }, cwd);
  const { code } = await p.exited;
  return { code, out: p.output(), cwd };
}

describe("reproduce command line", () => {
  it("--help and --version print and exit 0, starting and writing nothing", async () => {
    const [help, version] = await Promise.all([
      run(["glm4.6", "--simulate", "--help"]),
      run(["--version"]),
    ]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: reproduce <preset> \[options\]/);
    expect(help.out).toMatch(/Engines:\n/);
    expect(readdirSync(help.cwd)).toEqual([]);
    expect(version.code).toBe(0);
    const pkg = JSON.parse(
      readFileSync(join(REPO_ROOT, "apps", "reproduce", "package.json"), "utf8"),
    ) as { version: string };
    expect(version.out).toBe(`${pkg.version}\n`);
  }, 150_000);

  it("a bad value or an unknown flag is one line and exit 2", async () => {
    const [bad, typo, missing] = await Promise.all([
      run(["glm4.6", "--window", "70:10"]),
      run(["glm4.6", "--worker", "3"]),
      run([]),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.out).toBe(
      'reproduce: --window: the window\'s end must come after its start, got "70:10" (see --help)\n',
    );
    expect(typo.code).toBe(2);
    expect(typo.out).toBe(
      "reproduce: unknown option '--worker'; did you mean --workers? (see --help)\n",
    );
    expect(missing.code).toBe(2);
    expect(missing.out).toBe("reproduce: missing required argument 'preset' (see --help)\n");
  }, 150_000);

  it("takes relative -o, --report and --logs-dir from INIT_CWD, not from its cwd", async () => {
    const caller = tempDir();
    const r = await run(
      ["glm4.6", "--simulate", "--dry-run", "-o", "out", "--report", "r.json", "--logs-dir", "lg"],
      { INIT_CWD: caller },
    );
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`# report: ${join(caller, "r.json")}`);
    expect(r.out).toContain(`--output ${join(caller, "out")}/`);
    expect(r.out).toContain(`> ${join(caller, "lg")}/`);
    expect(r.out).not.toContain(r.cwd);
    expect(existsSync(join(caller, "lg"))).toBe(false); // a dry run writes nothing
  }, 150_000);
});
