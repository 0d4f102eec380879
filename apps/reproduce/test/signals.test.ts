// `pnpm reproduce` as users run it under `timeout`, SLURM, systemd and Kubernetes, while it waits
// for its engine (the stand-in `vllm` in FAKE_VLLM_MODE=hang, in a process group of its own): a
// SIGTERM to the process group, to pnpm alone, and with a stdout whose reader went away each end
// the whole tree (pnpm → scripts/run.mjs → the orchestrator → the engine and the reaper) within
// the deadline, through the orchestrator's stop (exit 143).
import { join } from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
import { allGone, processTree, runScript, type ScriptRun } from "../../../testing/process-tree.js";
import { FAKE_ROOT, readPids, standInArgs, standInPath, tempDir, waitFor } from "./helpers.js";

const EXIT_DEADLINE_MS = 15_000;

async function startRun(ctx: TestContext): Promise<ScriptRun> {
  const dir = tempDir("reproduce-signals-");
  const run = runScript(
    "reproduce",
    [...standInArgs(), "--window", "1:60", "--logs-dir", join(dir, "logs")],
    {
      PATH: standInPath(),
      HF_HOME: join(dir, "hf"),
      INIT_CWD: dir,
      REPRODUCE_ENTRY_ROOT: FAKE_ROOT,
      FAKE_VLLM_MODE: "hang",
    },
  );
  ctx.onTestFinished(() => run.cleanup());
  const m = await run.waitFor(/logs in (\S+)/, 60_000);
  await waitFor(
    "the engine to start",
    () => readPids(join(m[1]!, "pids.json"))?.children.some((c) => c.role === "engine"),
    60_000,
  );
  return run;
}

describe.skipIf(process.platform !== "linux").concurrent("reproduce signals", () => {
  it("SIGTERM to the process group: one stop, exit 143, the whole tree gone", async (ctx) => {
    const run = await startRun(ctx);
    const tree = processTree(run.pid);
    expect(tree.length).toBeGreaterThanOrEqual(4); // pnpm, run.mjs, reproduce, the engine (+ reaper)
    process.kill(-run.pid, "SIGTERM");
    expect(await allGone(tree, EXIT_DEADLINE_MS)).toBeLessThan(EXIT_DEADLINE_MS);
    expect((await run.exited).code).toBe(143);
    expect(run.stderr().match(/SIGTERM: stopping everything/g)).toHaveLength(1);
    expect(run.stderr()).toContain("all processes stopped");
    expect(run.stderr()).not.toContain("SIGTERM again");
  }, 90_000);

  it("SIGTERM to pnpm alone: run.mjs, the orchestrator and its children end too", async (ctx) => {
    const run = await startRun(ctx);
    const tree = processTree(run.pid);
    process.kill(run.pid, "SIGTERM");
    expect(await allGone(tree, EXIT_DEADLINE_MS)).toBeLessThan(EXIT_DEADLINE_MS);
    expect(run.stderr()).toContain("SIGTERM: stopping everything");
    expect(run.stderr()).toContain("all processes stopped");
  }, 90_000);

  it("a stdout whose reader is gone does not keep it from stopping", async (ctx) => {
    const run = await startRun(ctx);
    run.child.stdout!.destroy();
    const tree = processTree(run.pid);
    process.kill(-run.pid, "SIGTERM");
    expect(await allGone(tree, EXIT_DEADLINE_MS)).toBeLessThan(EXIT_DEADLINE_MS);
    expect(run.stderr()).toContain("all processes stopped");
  }, 90_000);
});
