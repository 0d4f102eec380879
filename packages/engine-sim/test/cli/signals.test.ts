// `pnpm engine-sim` as users run it under `timeout`, SLURM, systemd and Kubernetes: a SIGTERM to
// the process group, to pnpm alone, and with a stdout whose reader went away each end the whole
// tree (pnpm → scripts/run.mjs → engine-sim) within the deadline, through the graceful path (the
// server closed, exit 0).
import { describe, expect, it, type TestContext } from "vitest";
import {
  allGone,
  processTree,
  runScript,
  type ScriptRun,
} from "../../../../testing/process-tree.js";

const EXIT_DEADLINE_MS = 15_000;

async function startEngine(ctx: TestContext): Promise<{ run: ScriptRun; url: string }> {
  const run = runScript("engine-sim", [
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--profile",
    "glm4.6",
    "--time-scale",
    "0.05",
  ]);
  ctx.onTestFinished(() => run.cleanup());
  const m = await run.waitFor(/"url":"(http:\/\/[^"]+)".*engine-sim listening/, 60_000);
  return { run, url: m[1]! };
}

/** A streamed completion, read to its end (or until the server goes away). */
async function chat(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "zai-org/GLM-4.6-FP8",
        messages: [{ role: "user", content: "<pr_description>fix it</pr_description>" }],
        stream: true,
      }),
    });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

describe.skipIf(process.platform !== "linux").concurrent("engine-sim signals", () => {
  it("SIGTERM to the process group: the server closes, exit 0, the whole tree gone", async (ctx) => {
    const { run, url } = await startEngine(ctx);
    expect(await chat(url)).toBe(200);
    const tree = processTree(run.pid);
    expect(tree.length).toBeGreaterThanOrEqual(3); // pnpm, run.mjs, engine-sim
    process.kill(-run.pid, "SIGTERM");
    expect(await allGone(tree, EXIT_DEADLINE_MS)).toBeLessThan(EXIT_DEADLINE_MS);
    expect((await run.exited).code).toBe(0);
    expect(run.stderr()).not.toContain("second SIGTERM");
  }, 90_000);

  it("SIGTERM to pnpm alone: run.mjs and engine-sim end too", async (ctx) => {
    const { run } = await startEngine(ctx);
    const tree = processTree(run.pid);
    process.kill(run.pid, "SIGTERM");
    expect(await allGone(tree, EXIT_DEADLINE_MS)).toBeLessThan(EXIT_DEADLINE_MS);
  }, 90_000);

  it("a stdout whose reader is gone does not keep it from stopping", async (ctx) => {
    const { run, url } = await startEngine(ctx);
    const tree = processTree(run.pid);
    run.child.stdout!.destroy();
    // Streams in flight while it stops: closing waits for them (or for the drain deadline).
    const inFlight = [chat(url), chat(url)];
    process.kill(-run.pid, "SIGTERM");
    expect(await allGone(tree, EXIT_DEADLINE_MS)).toBeLessThan(EXIT_DEADLINE_MS);
    await Promise.all(inFlight);
    expect(run.stderr()).not.toMatch(/EPIPE|still stopping/);
  }, 90_000);
});
