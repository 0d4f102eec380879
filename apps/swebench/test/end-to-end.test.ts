/**
 * The full path on real servers: runner → (proxy →) engine-sim with its scripted coding-agent
 * model, the local environment, the sample dataset, 3 workers. preds.json and every trajectory
 * validate; through the proxy, every program is released (/programs empty at the end).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StartedEngineServer } from "@thunderagent/engine-sim";
import { ProgramsResponse, parseOrThrow } from "@thunderagent/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { loadInstances, resolveConfig, runBatch } from "../src/index.js";
import { proxyInFront, scriptedEngine } from "./helpers/servers.js";
import { readValidatedOutput } from "./helpers/validate-output.js";

const closers: Array<() => Promise<void>> = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function engine(): Promise<StartedEngineServer> {
  return scriptedEngine(closers);
}

async function runSample(baseUrl: string, specs: string[] = ["swebench.yaml"]) {
  const out = mkdtempSync(join(tmpdir(), "ta-e2e-"));
  dirs.push(out);
  const config = resolveConfig([...specs, "agent.step_limit=20"], {
    baseUrl,
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
  return { out, summary, ...readValidatedOutput(out) };
}

describe("end to end on the sample dataset (local environment, 3 workers)", () => {
  it("runner → engine-sim: every instance submitted, outputs validate", async () => {
    const e = await engine();
    const { summary, preds, trajs } = await runSample(`${e.url}/v1`);
    const ids = (await loadInstances("sample", "test")).map((i) => i.instance_id).sort();
    expect(Object.keys(preds).sort()).toEqual(ids);
    expect(summary.exitStatuses).toEqual({ Submitted: ids.length });
    for (const traj of trajs) {
      expect(traj.info.step_timings.length).toBe(traj.info.model_stats.api_calls);
      for (const t of traj.info.step_timings) {
        expect(t.prompt_tokens).toBeGreaterThan(0);
        expect(t.first_token! >= t.query_start && t.last_token >= t.first_token!).toBe(true);
      }
      // The scripted model's last command submits `git add -A && git diff --cached`.
      expect(traj.info.submission).toBe(preds[traj.instance_id]!.model_patch);
    }
    expect(Object.values(preds).some((p) => p.model_patch.includes("sim_scratch.py"))).toBe(true);
  }, 120_000);

  it("v2 configs end to end: tool calling (bash tool calls) and text mode (mswea_bash_command)", async () => {
    const e = await engine();
    const ids = (await loadInstances("sample", "test")).map((i) => i.instance_id).sort();
    const tool = await runSample(`${e.url}/v1`, ["swebench-v2.yaml"]);
    expect(tool.summary.exitStatuses).toEqual({ Submitted: ids.length });
    for (const traj of tool.trajs) {
      const roles = traj.messages.map((m) => m.role);
      expect(roles).toContain("tool");
      const assistant = traj.messages.find((m) => m.role === "assistant") as {
        tool_calls?: Array<{ function: { name: string } }>;
      };
      expect(assistant.tool_calls?.[0]?.function.name).toBe("bash");
      expect(traj.info.submission).toContain("sim_scratch.py");
    }
    const text = await runSample(`${e.url}/v1`, ["swebench-v2-backticks.yaml"]);
    expect(text.summary.exitStatuses).toEqual({ Submitted: ids.length });
    for (const traj of text.trajs) {
      expect(traj.messages.map((m) => m.role)).not.toContain("tool");
      expect(traj.messages[2]?.content).toContain("```mswea_bash_command\nls -la\n```");
    }
  }, 120_000);

  it("runner → proxy → engine-sim: programs carry program_id and all are released", async () => {
    const e = await engine();
    const proxyUrl = await proxyInFront(closers, e.url);
    // Watch /programs while the run goes on: the proxy must see our programs, then drop them.
    const seen = new Set<string>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const body = (await (await fetch(`${proxyUrl}/programs`)).json()) as Record<
          string,
          unknown
        >;
        for (const id of Object.keys(body)) seen.add(id);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const { summary, trajs } = await runSample(`${proxyUrl}/v1`);
    polling = false;
    await poller;
    expect(summary.exitStatuses).toEqual({ Submitted: 6 });
    const programIds = new Set(trajs.map((t) => t.info.program_id));
    expect(seen.size).toBeGreaterThan(0);
    for (const id of seen) expect(programIds.has(id)).toBe(true);
    const res = await fetch(`${proxyUrl}/programs`);
    const programs = parseOrThrow(ProgramsResponse, await res.json(), "/programs");
    expect(programs).toEqual({});
    // Every request reached the engine with its program's id stripped by the proxy, and the
    // trajectories name six distinct programs.
    expect(new Set(trajs.map((t) => t.info.program_id)).size).toBe(6);
  }, 120_000);
});
