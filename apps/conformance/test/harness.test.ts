/**
 * The harness's own parts: scenario validation, the fake vLLM over HTTP (its /metrics parsed by
 * router-core's vLLM parser, a held completion released on cue), the command templates, and the
 * comparison (it reports a changed field and honours only the listed skips).
 */
import { parseVllmMetrics } from "@thunderagent/router-core";
import { describe, expect, it } from "vitest";
import { ConformanceError } from "../src/errors.js";
import { startFakeVllm } from "../src/fake-vllm/server.js";
import { fillTemplate } from "../src/router-process.js";
import { parseScenario, ScenarioError } from "../src/scenario.js";
import { compareTraces, type Trace } from "../src/trace.js";

describe("scenarios", () => {
  it("rejects a bad scenario with every problem named", () => {
    const bad = {
      name: "bad",
      description: "x",
      backends: [{ numGpuBlocks: 10 }],
      steps: [
        { do: "complete", id: "nope", usage: null },
        { do: "metrics", backend: 3, set: {} },
        { do: "request", id: "a", program: "A", chars: -1 },
      ],
    };
    let err: unknown;
    try {
      parseScenario(bad, "bad.json");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err).toBeInstanceOf(ConformanceError);
    expect(err).toMatchObject({ code: "invalid_scenario", retryable: false });
    const msg = (err as Error).message;
    expect(msg).toContain("steps.2.chars");
    expect(msg).toContain("no earlier request nope");
    expect(msg).toContain("backend 3 does not exist");
  });

  it("requires the file name to match the scenario name", () => {
    const ok = {
      name: "one",
      description: "d",
      backends: [{ numGpuBlocks: 10 }],
      steps: [{ do: "wait", seconds: 1 }],
    };
    expect(() => parseScenario(ok, "dir/two.json")).toThrow(/must match the file name/);
    expect(parseScenario(ok, "dir/one.json").flags).toEqual({});
  });
});

describe("fake vLLM", () => {
  it("serves the scripted metrics and holds a completion until released", async () => {
    const fake = await startFakeVllm({ numGpuBlocks: 250, kvCacheUsage: 0.25 });
    try {
      fake.set({ waiting: 3, prefixCacheQueries: 1000, prefixCacheHits: 400 });
      const snap = parseVllmMetrics(await (await fetch(`${fake.url}/metrics`)).text());
      expect(snap).toMatchObject({
        capacityTokens: 4000,
        kvCacheUsage: 0.25,
        numRequestsWaiting: 3,
        prefixCacheQueries: 1000,
        prefixCacheHits: 400,
      });
      let settled = false;
      const answer = fetch(`${fake.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ messages: [{ role: "user", content: "<r1> hi" }] }),
      }).then(async (r) => {
        settled = true;
        return r.json();
      });
      await expect.poll(() => fake.isHeld("r1")).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      expect(settled).toBe(false);
      fake.complete("r1", { prompt: 10, completion: 5, cached: 4 }, 0);
      expect(((await answer) as { usage: unknown }).usage).toEqual({
        prompt_tokens: 10,
        total_tokens: 15,
        completion_tokens: 5,
        prompt_tokens_details: { cached_tokens: 4 },
      });
    } finally {
      await fake.close();
    }
  });
});

describe("router command templates", () => {
  it("fills the placeholders and refuses unknown ones", () => {
    expect(fillTemplate("x --port {port} {flags}", { port: "1", flags: "" })).toBe("x --port 1 ");
    expect(() => fillTemplate("{nope}", {})).toThrow(/unknown placeholder \{nope\}/);
    expect(() => fillTemplate("{nope}", {})).toThrow(
      expect.objectContaining({ name: "ConformanceError", code: "unknown_placeholder" }),
    );
  });
});

describe("trace comparison", () => {
  const trace = (status: string, tokens: number): Trace => ({
    scenario: "s",
    recordedFrom: { router: "r", commit: null, date: "", command: "" },
    settings: { schedulerInterval: 0.2, metricsInterval: 0.1, settleSeconds: 0.8 },
    steps: [
      {
        index: 0,
        step: { do: "wait", seconds: 1 },
        snapshot: {
          programs: { A: { status, total_tokens: tokens } },
          health: {},
          metrics: {},
          requests: {},
        },
      },
    ],
  });

  it("reports every changed field, and skips only what is listed", () => {
    expect(compareTraces(trace("acting", 5), trace("acting", 5), [])).toEqual([]);
    const diffs = compareTraces(trace("acting", 5), trace("reasoning", 6), []);
    expect(diffs).toHaveLength(2);
    expect(diffs[0]).toContain('programs.A.status: expected "acting", got "reasoning"');
    const skip = [{ path: "programs.A.status", reason: "a documented deviation" }];
    expect(compareTraces(trace("acting", 5), trace("reasoning", 6), skip)).toEqual([
      expect.stringContaining("programs.A.total_tokens: expected 5, got 6"),
    ]);
  });
});
