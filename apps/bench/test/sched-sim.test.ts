import { describe, expect, it } from "vitest";
import { ORIGINAL_THUNDERAGENT_OPTIONS } from "@thunderagent/router-core";
import { runJob } from "../src/sched/run-job.js";
import { job, type Job, type SystemName } from "../src/sched/systems.js";

// A small, fast world: 16 agents on an engine with 80K tokens of KV (their contexts need about
// twice that), 8 simulated minutes, counting minutes 2–8.
function small(system: SystemName, seed = 1, extra: Partial<Job> = {}): Job {
  return job("glm4.6", 16, system, seed, {
    engine: { numGpuBlocks: 5_000 },
    workload: { steps: { median: 20, p90: 40, min: 4, max: 135 } },
    durationS: 480,
    window: { startS: 120, endS: 480 },
    ...extra,
  });
}

describe("scheduling simulation with the real EngineModel and Router", () => {
  it("is deterministic for a seed", () => {
    const a = runJob(small("router-tr", 3));
    const b = runJob(small("router-tr", 3));
    expect({ ...b, wallS: 0 }).toEqual({ ...a, wallS: 0 });
    const c = runJob(small("router-tr", 4));
    expect(c.stepsPerMinute).not.toEqual(a.stepsPerMinute);
  });

  it("counts the steps of the window only", () => {
    const r = runJob(small("vllm"));
    const inWindow = r.stepsPerMinute.slice(2, 8).reduce((x, y) => x + y, 0);
    expect(r.stepsPerMin * 6).toBeCloseTo(inWindow, 6);
    expect(r.stepsPerMin).toBeGreaterThan(0);
  });

  it("tr pauses programs under memory pressure and keeps the cache hit rate up", () => {
    const vllm = runJob(small("vllm"));
    const tr = runJob(small("router-tr"));
    expect(vllm.kvHitRate).toBeLessThan(0.6);
    expect(vllm.preemptions).toBeGreaterThan(0);
    expect(tr.preemptions).toBeLessThan(vllm.preemptions);
    expect(tr.pauses).toBeGreaterThan(0);
    expect(tr.restores).toBeGreaterThan(0);
    expect(tr.meanPauseS).toBeGreaterThan(0);
    expect(tr.kvHitRate).toBeGreaterThan(vllm.kvHitRate + 0.3);
  });

  it("without pressure the router changes nothing", () => {
    const roomy = { engine: { numGpuBlocks: 200_000 } };
    const vllm = runJob(small("vllm", 1, roomy));
    // The original's policy: nothing in it reacts to anything but KV capacity.
    const tr = runJob(
      small("router-tr", 1, { ...roomy, routerOptions: { ...ORIGINAL_THUNDERAGENT_OPTIONS } }),
    );
    expect(tr.pauses).toBe(0);
    expect(tr.stepsPerMin).toBeCloseTo(vllm.stepsPerMin, 6);
    expect(tr.kvHitRate).toBeCloseTo(vllm.kvHitRate, 6);
    // The defaults also hold back admissions while the engine queues (the queue gate): no pause,
    // and the same throughput within a step.
    const ours = runJob(small("router-tr", 1, roomy));
    expect(ours.pauses).toBe(0);
    expect(Math.abs(ours.stepsPerMin - vllm.stepsPerMin)).toBeLessThan(1 / 6);
  });
});
