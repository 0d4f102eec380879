// The orchestrator as a real process, on stand-ins for vLLM (the stand-in `vllm` on PATH), the
// router and the runner: signals, failures and a whole --compare run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ReproduceReport } from "@thunderagent/protocol";
import { describe, expect, it } from "vitest";
import { descendants } from "../src/proc-tree.js";
import {
  allGone,
  readPids,
  spawnMain,
  standInArgs,
  standInEnv,
  tempDir,
  waitFor,
  type Spawned,
} from "./helpers.js";

function start(args: string[], env: Record<string, string> = {}) {
  const cwd = tempDir();
  const p = spawnMain([...standInArgs(), ...args], { ...standInEnv(cwd), ...env }, cwd);
  return { p, cwd };
}

/** The run's pids.json once it lists the runner, plus every descendant of the orchestrator. */
async function whenRunning(p: Spawned, cwd: string, role = "runner") {
  const file = await waitFor(
    "pids.json",
    () => {
      const out = p.output().match(/logs in (\S+)/);
      return out ? join(out[1]!, "pids.json") : null;
    },
    90_000,
  );
  const pids = await waitFor(
    `the ${role} to start`,
    () => {
      const f = readPids(file);
      return f && f.children.some((c) => c.role === role) ? f : null;
    },
    90_000,
  );
  await new Promise((r) => setTimeout(r, 1000));
  const all = new Set<number>(pids.children.map((c) => c.pid));
  for (const d of descendants(p.child.pid!)) all.add(d);
  expect(cwd).toBeTruthy();
  return { pids, all: [...all] };
}

describe("orchestrator process", () => {
  it("leaves no process behind after SIGINT", async () => {
    const { p, cwd } = start(["--window", "1:60"]);
    const { pids, all } = await whenRunning(p, cwd);
    expect(pids.children.map((c) => c.role)).toEqual(["engine", "proxy", "runner"]);
    p.child.kill("SIGINT");
    const e = await p.exited;
    expect(e.code, p.output()).toBe(130);
    expect(p.output()).toContain("SIGINT: stopping everything");
    expect(await allGone(all)).toEqual([]);
  }, 180_000);

  it("leaves no process behind after SIGTERM during a health wait", async () => {
    const { p, cwd } = start(["--window", "1:60"], { FAKE_VLLM_MODE: "hang" });
    const { all } = await whenRunning(p, cwd, "engine");
    p.child.kill("SIGTERM");
    expect((await p.exited).code, p.output()).toBe(143);
    expect(await allGone(all)).toEqual([]);
  }, 180_000);

  it("a child failing mid-run stops all the others and fails the run", async () => {
    const { p, cwd } = start(["--window", "1:60"], { FAKE_PROXY_CRASH_AFTER_S: "4" });
    const { all } = await whenRunning(p, cwd);
    const e = await p.exited;
    expect(e.code, p.output()).toBe(1);
    expect(p.output()).toMatch(/proxy exited unexpectedly \(code 3\)/);
    expect(await allGone(all)).toEqual([]);
  }, 180_000);

  it("a health timeout fails the run with a clear message", async () => {
    const { p } = start(["--health-timeout", "3"], { FAKE_VLLM_MODE: "hang" });
    const e = await p.exited;
    expect(e.code, p.output()).toBe(1);
    expect(p.output()).toMatch(
      /vllm did not answer http:\/\/127\.0\.0\.1:\d+\/health with 200 within 3 s/,
    );
  }, 180_000);

  it("runs --compare end to end and writes a report that validates", async () => {
    const { p, cwd } = start([
      "--compare",
      "--window",
      "0.05:0.15",
      "--workers",
      "3",
      "--report",
      "out/r.json",
    ]);
    const e = await p.exited;
    expect(e.code, p.output()).toBe(0);
    const report = ReproduceReport.parse(
      JSON.parse(readFileSync(join(cwd, "out", "r.json"), "utf8")),
    );
    expect(report.runs.map((r) => r.system)).toEqual(["thunderagent", "vllm"]);
    expect(report.mode).toBe("real");
    for (const r of report.runs) expect(r.steps_counted).toBeGreaterThan(0);
    expect(report.speedup).not.toBeNull();
    expect(report.plots).toHaveLength(2);
    expect(p.output()).toMatch(/ThunderAgent \(router\): [\d.]+ steps\/min/);
    expect(p.output()).toMatch(/vLLM \(baseline\): [\d.]+ steps\/min/);
    expect(p.output()).toMatch(/ratio: [\d.]+×/);
    expect(p.output()).toContain(join(cwd, "out", "r.md"));
  }, 240_000);

  it("cleans up even when the orchestrator itself is SIGKILLed (the reaper)", async () => {
    const { p, cwd } = start(["--window", "1:60"]);
    const { all } = await whenRunning(p, cwd);
    p.child.kill("SIGKILL");
    await p.exited;
    expect(await allGone(all, 60_000)).toEqual([]);
  }, 180_000);
});
