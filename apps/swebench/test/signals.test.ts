// `pnpm swebench` as users run it under `timeout`, SLURM, systemd and Kubernetes, mid-run (agents
// waiting on the model, commands running in the local environment): a SIGTERM to the process
// group, to pnpm alone, and with a stdout whose reader went away each end the whole tree (pnpm →
// scripts/run.mjs → the runner → the agents' commands) within the deadline, through the runner's
// clean stop (exit 143, preds.json valid).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
import { allGone, processTree, runScript, type ScriptRun } from "../../../testing/process-tree.js";
import { startAgentServer } from "./helpers/agent-server.js";
import { localSampleArgs, untilBothAgentsAsked } from "./helpers/mid-run.js";
import { readValidatedOutput } from "./helpers/validate-output.js";

const EXIT_DEADLINE_MS = 15_000;

async function startRunner(ctx: TestContext): Promise<{ run: ScriptRun; out: string }> {
  const server = await startAgentServer({ delayMs: 300 });
  const out = mkdtempSync(join(tmpdir(), "ta-swebench-signals-"));
  ctx.onTestFinished(async () => {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  });
  const run = runScript("swebench", localSampleArgs({ out, baseUrl: server.url, split: "test" }), {
    TMPDIR: out,
  });
  ctx.onTestFinished(() => run.cleanup());
  await untilBothAgentsAsked(server, run);
  return { run, out };
}

describe.skipIf(process.platform !== "linux").concurrent("swebench signals", () => {
  it("SIGTERM to the process group: one clean stop, exit 143, the whole tree gone", async (ctx) => {
    const { run, out } = await startRunner(ctx);
    const tree = processTree(run.pid);
    expect(tree.length).toBeGreaterThanOrEqual(3); // pnpm, run.mjs, the runner (+ commands)
    process.kill(-run.pid, "SIGTERM");
    expect(await allGone(tree, EXIT_DEADLINE_MS)).toBeLessThan(EXIT_DEADLINE_MS);
    expect((await run.exited).code).toBe(143);
    expect(run.stderr().match(/SIGTERM: stopping/g)).toHaveLength(1);
    expect(run.stderr()).not.toContain("second SIGTERM");
    expect(run.stdout()).toContain("Stopped:");
    readValidatedOutput(out);
  }, 90_000);

  it("SIGTERM to pnpm alone: run.mjs, the runner and its commands end too", async (ctx) => {
    const { run, out } = await startRunner(ctx);
    const tree = processTree(run.pid);
    process.kill(run.pid, "SIGTERM");
    expect(await allGone(tree, EXIT_DEADLINE_MS)).toBeLessThan(EXIT_DEADLINE_MS);
    expect(run.stderr()).toContain("SIGTERM: stopping");
    readValidatedOutput(out);
  }, 90_000);

  it("a stdout whose reader is gone does not keep it from stopping", async (ctx) => {
    const { run, out } = await startRunner(ctx);
    run.child.stdout!.destroy(); // the summary it prints when it stops goes nowhere
    const tree = processTree(run.pid);
    process.kill(-run.pid, "SIGTERM");
    expect(await allGone(tree, EXIT_DEADLINE_MS)).toBeLessThan(EXIT_DEADLINE_MS);
    expect(run.stderr()).not.toMatch(/EPIPE|still stopping/);
    readValidatedOutput(out);
  }, 90_000);
});
