import { describe, expect, it } from "vitest";
import { EventQueue } from "../src/sched/event-queue.js";
import { DirectGateway } from "../src/sched/gateway.js";
import { RunMetrics } from "../src/sched/metrics.js";
import type {
  ScrapeSnapshot,
  SimEngine,
  SimEngineEvent,
  SimEngineRequest,
} from "../src/sched/ports.js";
import { Rng, lognormalMedianP90 } from "../src/sched/prng.js";
import { runSimulation } from "../src/sched/simulation.js";
import { ProgramContext, TokenSource } from "../src/sched/token-context.js";
import { InstancePool, sampleInstance, workloadFor } from "../src/sched/workload.js";

/** A tiny stand-in engine: every request is admitted at once, prefilled in one step, then decodes. */
class FakeEngine implements SimEngine {
  private running: { req: SimEngineRequest; done: number }[] = [];
  private queries = 0;
  private completed = 0;

  addRequest(req: SimEngineRequest): void {
    this.running.push({ req, done: -1 });
    this.queries += req.promptTokens.length;
  }

  hasWork(): boolean {
    return this.running.length > 0;
  }

  step(): { durationS: number; events: SimEngineEvent[] } {
    const events: SimEngineEvent[] = [];
    for (const r of this.running) {
      if (r.done < 0) {
        events.push({ type: "scheduled", id: r.req.id, cachedTokens: 0 });
        r.done = 0;
        continue;
      }
      if (r.done === 0) events.push({ type: "first_token", id: r.req.id });
      r.done++;
      events.push({ type: "token", id: r.req.id, count: 1 });
      if (r.done >= r.req.outputTokens) {
        events.push({
          type: "finished",
          id: r.req.id,
          reason: "stop",
          promptTokens: r.req.promptTokens.length,
          completionTokens: r.done,
          cachedTokens: 0,
        });
      }
    }
    const before = this.running.length;
    this.running = this.running.filter((r) => r.done < r.req.outputTokens);
    this.completed += before - this.running.length;
    return { durationS: 0.02 + 0.001 * this.running.length, events };
  }

  scrape(): ScrapeSnapshot {
    return {
      capacityTokens: 1_000_000,
      blockSize: 16,
      numGpuBlocks: 62_500,
      kvCacheUsage: 0,
      numRequestsRunning: this.running.length,
      numRequestsWaiting: 0,
      prefixCacheQueries: this.queries,
      prefixCacheHits: 0,
      promptTokens: this.queries,
      generationTokens: 0,
      numPreemptions: 0,
      requestsCompleted: this.completed,
    };
  }
}

const smallWorkload = { ...workloadFor("glm4.6"), steps: { median: 6, p90: 10, min: 2, max: 135 } };

function run(seed: number) {
  return runSimulation({
    n: 4,
    seed,
    workload: smallWorkload,
    engines: [new FakeEngine()],
    backendUrls: ["http://e0"],
    gateway: (host) => new DirectGateway(host),
    window: { startS: 60, endS: 180 },
    durationS: 200,
  });
}

describe("scheduling harness", () => {
  it("prng streams are deterministic and independent", () => {
    const a = new Rng(7, 3);
    const b = new Rng(7, 3);
    const c = new Rng(7, 4);
    const xs = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextU32())).not.toEqual(xs);
    const d = lognormalMedianP90(1, 5);
    const r = new Rng(1);
    const samples = Array.from({ length: 4000 }, () => r.lognormal(d)).sort((x, y) => x - y);
    expect(samples[2000]!).toBeGreaterThan(0.9);
    expect(samples[2000]!).toBeLessThan(1.1);
    expect(samples[3600]!).toBeGreaterThan(4.3);
    expect(samples[3600]!).toBeLessThan(5.8);
  });

  it("samples each instance the same way whatever the order, truncated at 135 steps", () => {
    const w = workloadFor("glm4.6");
    expect(sampleInstance(w, 3, 17)).toEqual(sampleInstance(w, 3, 17));
    expect(sampleInstance(w, 3, 17)).not.toEqual(sampleInstance(w, 4, 17));
    for (let i = 0; i < 300; i++) {
      const s = sampleInstance(w, 1, i);
      expect(s.steps.length).toBeLessThanOrEqual(135);
      for (const st of s.steps) {
        expect(st.visibleTokens).toBeLessThanOrEqual(st.outputTokens);
        expect(st.outputTokens).toBeLessThanOrEqual(2048);
      }
    }
    const pool = new InstancePool(w, 1);
    const first = pool.take();
    for (let i = 1; i < 300; i++) pool.take();
    const wrapped = pool.take();
    expect(wrapped.serial).toBe(300);
    expect(wrapped.script).toBe(first.script);
  });

  it("programs share only the system prompt, and prompts grow by appending", () => {
    const src = new TokenSource(160);
    const a = new ProgramContext(src, 1000);
    const b = new ProgramContext(src, 1200);
    expect(Array.from(a.view().subarray(0, 160))).toEqual(Array.from(b.view().subarray(0, 160)));
    expect(a.view()[160]).not.toBe(b.view()[160]);
    const before = Array.from(a.view());
    a.append(5000);
    expect(a.length).toBe(6000);
    expect(Array.from(a.view().subarray(0, 1000))).toEqual(before);
    expect(before.length).toBe(1000);
  });

  it("the event queue pops by time, then by insertion order", () => {
    const q = new EventQueue<string>();
    q.push(2, "c");
    q.push(1, "a");
    q.push(1, "b");
    q.push(0.5, "z");
    expect([q.pop()!.item, q.pop()!.item, q.pop()!.item, q.pop()!.item]).toEqual([
      "z",
      "a",
      "b",
      "c",
    ]);
    expect(q.pop()).toBeUndefined();
  });

  it("counts only the calls that complete inside the window", () => {
    const m = new RunMetrics({ startS: 600, endS: 4200 });
    m.stepCompleted(599.99, 590, 590);
    m.stepCompleted(600, 595, 597);
    m.stepCompleted(4199.9, 4190, 4190);
    m.stepCompleted(4200, 4195, 4195);
    m.markWindowStart({ queries: 100, hits: 50, preemptions: 1 });
    m.markWindowEnd({ queries: 300, hits: 230, preemptions: 4 });
    const s = m.summary();
    expect(s.stepsInWindow).toBe(2);
    expect(s.stepsPerMin).toBeCloseTo(2 / 60);
    // Hit rate: the cumulative counters at the window's end (230 / 300), as ThunderAgent computes
    // it from /metrics; the window-only ratio (180 / 200) is kept beside it.
    expect(s.kvHitRate).toBeCloseTo(230 / 300);
    expect(s.kvHitRateWindow).toBeCloseTo(0.9);
    expect(s.preemptions).toBe(3);
    expect(s.meanStepS).toBeCloseTo((5 + 9.9) / 2);
    expect(s.meanPauseS).toBeCloseTo(1);
    expect(s.stepsPerMinute[9]).toBe(1);
    expect(s.stepsPerMinute[10]).toBe(1);
    expect(s.stepsPerMinute[70]).toBe(1);
  });

  it("is deterministic for a seed, and the window count matches the per-minute series", () => {
    const a = run(5);
    const b = run(5);
    expect(b).toEqual(a);
    expect(run(6).stepsPerMinute).not.toEqual(a.stepsPerMinute);
    expect(a.stepsInWindow).toBeGreaterThan(20);
    expect(a.stepsInWindow).toBe((a.stepsPerMinute[1] ?? 0) + (a.stepsPerMinute[2] ?? 0));
    expect(a.stepsPerMin).toBeCloseTo(a.stepsInWindow / 2);
    expect(a.programsFinished).toBeGreaterThan(0);
  });
});
