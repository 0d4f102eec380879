/**
 * `--procs N`: the agents in child processes, on real servers (engine-sim with its scripted
 * coding-agent model, the local environment, the sample dataset). The runner's own files come out
 * as in-process; a stop interrupts the children's agents and no agent process outlives the run.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StartedEngineServer } from "@thunderagent/engine-sim";
import { afterEach, describe, expect, it } from "vitest";
import { loadInstances, resolveConfig, runBatch } from "../src/index.js";
import { scriptedEngine } from "./helpers/servers.js";
import { readValidatedOutput } from "./helpers/validate-output.js";

const closers: Array<() => Promise<void>> = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function engine(timeScale: number): Promise<StartedEngineServer> {
  return scriptedEngine(closers, timeScale);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function run(baseUrl: string, signal?: AbortSignal) {
  const out = mkdtempSync(join(tmpdir(), "ta-procs-"));
  dirs.push(out);
  const config = resolveConfig(["swebench.yaml", "agent.step_limit=20"], {
    baseUrl,
    environmentClass: "local",
  });
  const summary = await runBatch({
    subset: "sample",
    split: "test",
    workers: 3,
    procs: 2,
    output: out,
    config,
    progressStream: null,
    ...(signal ? { signal } : {}),
  });
  return { out, summary };
}

describe("--procs 2 (agents in child processes)", () => {
  it("every instance submitted, outputs validate, both processes ran agents", async () => {
    const e = await engine(0.01);
    const { out, summary } = await run(`${e.url}/v1`);
    const ids = (await loadInstances("sample", "test")).map((i) => i.instance_id).sort();
    const { preds, trajs } = readValidatedOutput(out);
    expect(Object.keys(preds).sort()).toEqual(ids);
    expect(summary.exitStatuses).toEqual({ Submitted: ids.length });
    expect(trajs).toHaveLength(ids.length);
    expect(summary.steps).toBe(trajs.reduce((a, t) => a + t.info.model_stats.api_calls, 0));
    const stats = summary.procStats ?? [];
    expect(stats).toHaveLength(2);
    // The instances' log lines come from the two agent processes.
    const pids = new Set(
      readFileSync(join(out, "run.log"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { msg: string; pid?: number })
        .filter((l) => l.msg === "instance finished")
        .map((l) => l.pid),
    );
    expect([...pids].sort()).toEqual(stats.map((s) => s.pid).sort());
    for (const s of stats) expect(alive(s.pid)).toBe(false);
  }, 180_000);

  it("a stop interrupts the children's agents; nothing recorded for them, no process left", async () => {
    const e = await engine(1);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("test stop")), 3000);
    const { out, summary } = await run(`${e.url}/v1`, controller.signal);
    expect(summary.stopped).toBe(true);
    expect(summary.interrupted).toBeGreaterThan(0);
    const { preds } = readValidatedOutput(out);
    expect(Object.keys(preds).length).toBe(summary.done);
    for (const s of summary.procStats ?? []) expect(alive(s.pid)).toBe(false);
  }, 180_000);
});
