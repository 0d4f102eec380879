/** The runner as a real process: usage errors, SIGKILL then resume, SIGTERM. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadInstances } from "../src/index.js";
import { type AgentServer, startAgentServer } from "./helpers/agent-server.js";
import { localSampleArgs, untilBothAgentsAsked, waitUntil } from "./helpers/mid-run.js";
import { type RunnerProcess, spawnRunner } from "./helpers/spawn-runner.js";
import { readValidatedOutput } from "./helpers/validate-output.js";

let server: AgentServer | null = null;
const procs: RunnerProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  await server?.close();
  server = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "ta-swebench-proc-"));
  dirs.push(d);
  return d;
};
const run = (args: string[], env: Record<string, string> = {}) => {
  const p = spawnRunner(args, { TMPDIR: dirs[0] ?? tmpdir(), ...env });
  procs.push(p);
  return p;
};
const predsCount = (out: string) => {
  try {
    return Object.keys(JSON.parse(readFileSync(join(out, "preds.json"), "utf8"))).length;
  } catch {
    return 0;
  }
};

describe("swebench process", () => {
  it("usage errors exit 2 with one line naming the flag", async () => {
    const runs = [
      run(["--subset", "sample", "-w", "zero", "-o", "/tmp/x"]),
      run(["--subset", "sample"]),
      run(["--worker", "3", "-o", "/tmp/x"]),
      run(["--subset", "/no/such.json", "-o", "/tmp/x"]),
    ];
    const lines = [
      'swebench: --workers must be an integer ≥ 1, got "zero" (see --help)\n',
      "swebench: --output is required (see --help)\n",
      "swebench: unknown option '--worker'; did you mean --workers? (see --help)\n",
      "swebench: --subset /no/such.json: no such file (see --help)\n",
    ];
    for (const [i, p] of runs.entries()) {
      expect((await p.exited).code).toBe(2);
      expect(p.stderr()).toBe(lines[i]);
    }
  }, 60_000);

  it("start-up checks refuse to start (exit 2, one line) before any worker runs", async () => {
    server = await startAgentServer();
    const out = tmp();
    const base = ["--subset", "sample", "--split", "test", "-o", out, "--environment-class"];
    const runs = [
      run([...base, "local", "--base-url", "http://127.0.0.1:9/v1"]),
      run([...base, "local", "--base-url", server.url, "-m", "no/such-model"]),
      run([...base, "docker", "--base-url", server.url], {
        DOCKER_HOST: `unix://${join(out, "no-docker.sock")}`,
      }),
    ];
    const expected = [
      /^swebench: refusing to start: the model endpoint http:\/\/127\.0\.0\.1:9\/v1\/models does not answer: .*\(check --base-url\)\n$/,
      /^swebench: refusing to start: the model endpoint .* does not serve model "no\/such-model"; it serves: zai-org\/GLM-4\.6-FP8 \(set -m\/--model\)\n$/,
      /^swebench: refusing to start: the Docker host unix:\/\/.*no-docker\.sock does not answer .*; set DOCKER_HOST\n$/,
    ];
    for (const [i, p] of runs.entries()) {
      expect((await p.exited).code).toBe(2);
      expect(p.stderr()).toMatch(expected[i]!);
    }
    expect(server.requests).toBe(0);
    expect(existsSync(join(out, "preds.json"))).toBe(false);
  }, 60_000);

  it("--help and --version print and exit 0 without touching the output directory", async () => {
    const out = join(tmp(), "out");
    const help = run(["-o", out, "--help"]);
    const version = run(["--version"]);
    expect((await help.exited).code).toBe(0);
    expect(help.stdout()).toMatch(/^Usage: swebench \[options\]/);
    expect(existsSync(out)).toBe(false);
    expect((await version.exited).code).toBe(0);
    const pkg = JSON.parse(
      readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8"),
    ) as {
      version: string;
    };
    expect(version.stdout()).toBe(`${pkg.version}\n`);
  }, 60_000);

  it("SIGKILL mid-run, then a second run completes the rest: no duplicate, no corrupt file", async () => {
    server = await startAgentServer({ delayMs: 120 });
    const out = tmp();
    const args = localSampleArgs({ out, baseUrl: server.url, split: "test" });
    const key = { THUNDERAGENT_API_KEY: "router-key" };
    const first = run(args, key);
    const journalSize = () => {
      try {
        return readdirSync(join(out, ".programs")).filter((n) => n.endsWith(".json")).length;
      } catch {
        return 0;
      }
    };
    await waitUntil(() => predsCount(out) >= 2 && journalSize() > 0, {
      what: "two predictions and a journaled program",
      runner: first,
    });
    first.child.kill("SIGKILL");
    await first.exited;
    // The programs that were running when the runner died are journaled, none released.
    const journaled = readdirSync(join(out, ".programs"))
      .filter((n) => n.endsWith(".json"))
      .map((n) => decodeURIComponent(n.replace(/\.json$/, "")));
    expect(journaled.length).toBeGreaterThan(0);
    for (const id of journaled) expect(server.released).not.toContain(id);
    const afterKill = readValidatedOutput(out); // valid JSON, valid schema
    const doneFirst = Object.keys(afterKill.preds);
    expect(doneFirst.length).toBeGreaterThanOrEqual(2);
    expect(doneFirst.length).toBeLessThan(6);

    const second = run(args, key);
    const { code } = await second.exited;
    expect(code).toBe(0);
    // The second run released them (with the router's key); nothing is left open or journaled.
    for (const id of [...journaled, ...server.programIds]) expect(server.released).toContain(id);
    expect(new Set(server.releaseAuth)).toEqual(new Set(["Bearer router-key"]));
    expect(readdirSync(join(out, ".programs"))).toEqual([]);
    expect(second.stderr()).toContain(
      `skipping ${doneFirst.length} instance(s) already in preds.json`,
    );
    const { preds, trajs } = readValidatedOutput(out);
    const all = (await loadInstances("sample", "test")).map((i) => i.instance_id).sort();
    expect(Object.keys(preds).sort()).toEqual(all);
    expect(trajs.every((t) => t.info.exit_status === "Submitted")).toBe(true);
    // The second run ran exactly the remaining instances, each once.
    const log = readFileSync(join(out, "run.log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const secondRunId = log.at(-1)!["run_id"];
    const finished = log
      .filter((l) => l["run_id"] === secondRunId && l["msg"] === "instance finished")
      .map((l) => l["instance_id"]);
    expect([...finished].sort()).toEqual(all.filter((id) => !doneFirst.includes(id)));
    // write-file-atomic writes `<target>.<uint32>` beside the target and renames it over it: the
    // killed run's leftovers were removed by the second run, which left none of its own.
    expect(readdirSync(out).filter((n) => /\.\d+$/.test(n))).toEqual([]);
    // The killed run's testbeds (under <output>/.testbeds) were removed by the second run.
    const testbeds = join(out, ".testbeds");
    expect(existsSync(testbeds) ? readdirSync(testbeds) : []).toEqual([]);
    expect(second.stdout()).toMatch(/Finished: \d+ done this run/);
    expect(second.stdout()).toMatch(/steps\/min/);
  }, 120_000);

  it("SIGTERM stops cleanly with exit 143 and a valid preds.json", async () => {
    server = await startAgentServer({ delayMs: 200 });
    // `-o out` is relative: it lands in INIT_CWD (where `pnpm swebench` was run), not in the cwd.
    const caller = tmp();
    const out = join(caller, "out");
    const p = run(localSampleArgs({ out: "out", baseUrl: server.url }), { INIT_CWD: caller });
    await untilBothAgentsAsked(server, p);
    p.child.kill("SIGTERM");
    const { code } = await p.exited;
    expect(code).toBe(143);
    expect(p.stderr()).toContain("SIGTERM: stopping");
    expect(existsSync(join(out, "preds.json"))).toBe(true);
    readValidatedOutput(out);
    expect(p.stdout()).toContain("Stopped:");
  }, 120_000);
});
