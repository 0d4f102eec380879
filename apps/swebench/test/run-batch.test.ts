import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadInstances, resolveConfig, runBatch } from "../src/index.js";
import { type AgentServer, startAgentServer } from "./helpers/agent-server.js";
import { tempDirs } from "./helpers/temp-dirs.js";
import { readValidatedOutput } from "./helpers/validate-output.js";

let server: AgentServer | null = null;
const dirs = tempDirs("ta-swebench-");
afterEach(async () => {
  await server?.close();
  server = null;
  dirs.removeAll();
});
const tmp = dirs.make;

describe("runBatch on the sample dataset, local environment", () => {
  it("runs every instance with 3 workers: preds, trajectories, releases, summary", async () => {
    server = await startAgentServer();
    const out = tmp();
    const config = resolveConfig(["swebench.yaml", "model.api_key=sk-secret-123"], {
      baseUrl: server.url,
      model: "scripted",
      environmentClass: "local",
    });
    const summary = await runBatch({
      subset: "sample",
      split: "test",
      workers: 3,
      output: out,
      config,
      progressStream: null,
      testbedDir: out,
    });
    const instances = await loadInstances("sample", "test");
    expect(summary).toMatchObject({
      total: instances.length,
      done: instances.length,
      skipped: 0,
      interrupted: 0,
    });
    expect(summary.exitStatuses).toEqual({ Submitted: instances.length });
    expect(summary.steps).toBe(3 * instances.length);
    const { preds, trajs } = readValidatedOutput(out);
    expect(Object.keys(preds).sort()).toEqual(instances.map((i) => i.instance_id).sort());
    for (const pred of Object.values(preds)) {
      expect(pred.model_name_or_path).toBe("scripted");
      expect(pred.model_patch).toMatch(/^diff --git a\/README.md b\/README.md\n/);
      expect(pred.model_patch).toContain("+# fixed by the agent\n");
    }
    for (const traj of trajs) {
      expect(traj.info.exit_status).toBe("Submitted");
      expect(traj.info.step_timings).toHaveLength(3);
      expect(traj.info.model_stats.api_calls).toBe(3);
      expect(traj.messages[0]!.role).toBe("system");
    }
    const ids = trajs.map((t) => t.info.program_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...server.programIds].sort()).toEqual([...ids].sort());
    expect([...server.released].sort()).toEqual([...ids].sort());
    const statuses = JSON.parse(readFileSync(join(out, "exit_statuses.json"), "utf8"));
    expect(statuses.instances_by_exit_status.Submitted).toHaveLength(instances.length);
    const log = readFileSync(join(out, "run.log"), "utf8");
    expect(log).toContain("instance finished");
    // The API key is used for the calls but never written to the results or the log.
    expect(log).not.toContain("sk-secret-123");
    for (const traj of trajs) expect(JSON.stringify(traj)).not.toContain("sk-secret-123");
  }, 60_000);

  it("skips instances already in preds.json unless --redo-existing; 404 on release is fine", async () => {
    server = await startAgentServer({ noRelease: true });
    const out = tmp();
    const config = resolveConfig(["swebench.yaml"], {
      baseUrl: server.url,
      environmentClass: "local",
    });
    const base = {
      subset: "sample",
      split: "test",
      workers: 2,
      output: out,
      config,
      progressStream: null,
      testbedDir: out,
    };
    const first = await runBatch({ ...base, slice: "0:2" });
    expect(first.done).toBe(2);
    const second = await runBatch({ ...base, slice: "0:3" });
    expect(second).toMatchObject({ skipped: 2, done: 1 });
    const third = await runBatch({ ...base, slice: "0:1", redoExisting: true });
    expect(third).toMatchObject({ skipped: 0, done: 1 });
    expect(Object.keys(readValidatedOutput(out).preds)).toHaveLength(3);
  }, 60_000);

  it("a stop signal starts nothing new, interrupts running agents, keeps preds.json valid", async () => {
    server = await startAgentServer({ delayMs: 150 });
    const out = tmp();
    const config = resolveConfig(["swebench.yaml"], {
      baseUrl: server.url,
      environmentClass: "local",
    });
    const ac = new AbortController();
    const run = runBatch({
      subset: "sample",
      split: "test",
      workers: 2,
      output: out,
      config,
      progressStream: null,
      testbedDir: out,
      signal: ac.signal,
    });
    setTimeout(() => ac.abort(new Error("stop")), 700);
    const summary = await run;
    expect(summary.stopped).toBe(true);
    expect(summary.interrupted).toBeGreaterThan(0);
    expect(summary.done + summary.interrupted).toBeLessThan(6);
    const { preds } = readValidatedOutput(out);
    expect(Object.keys(preds)).toHaveLength(summary.done);
    // The second run continues where the first stopped.
    const rest = await runBatch({
      subset: "sample",
      split: "test",
      workers: 3,
      output: out,
      config,
      progressStream: null,
      testbedDir: out,
    });
    expect(rest.skipped).toBe(summary.done);
    expect(Object.keys(readValidatedOutput(out).preds)).toHaveLength(6);
  }, 60_000);
});
