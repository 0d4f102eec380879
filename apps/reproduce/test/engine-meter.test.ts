import { BACKEND_TYPE_NAMES, backendType } from "@thunderagent/router-core";
import { describe, expect, it } from "vitest";
import {
  countFromMeter,
  readCounters,
  servedCallsSource,
  type MeterSample,
} from "../src/engine-meter.js";

const EXPOSITION = `# HELP vllm:request_success_total Count of successfully processed requests.
# TYPE vllm:request_success_total counter
vllm:request_success_total{engine="0",finished_reason="stop",model_name="m"} 120.0
vllm:request_success_total{engine="0",finished_reason="length",model_name="m"} 3.0
vllm:request_success_total{engine="0",finished_reason="abort",model_name="m"} 7.0
vllm:request_success_total{engine="1",finished_reason="stop",model_name="m"} 1.0e+02
vllm:prefix_cache_queries_total{engine="0",model_name="m"} 1.8432e+06
vllm:prefix_cache_hits_total{engine="0",model_name="m"} 921600.0
`;

describe("engine meter", () => {
  it("sums served calls over reasons and engines, without aborts", () => {
    expect(readCounters(EXPOSITION)).toEqual({
      completed: 223,
      prefixQueries: 1_843_200,
      prefixHits: 921_600,
    });
  });

  it("counts the window between interpolated samples", () => {
    const T0 = 1000;
    // 2 calls per real second from t=T0 on, sampled every 7 s; hits are half the queries.
    const samples: MeterSample[] = [];
    for (let t = T0 - 5; t <= T0 + 80; t += 7) {
      const done = Math.max(0, t - T0) * 2;
      samples.push({ t, completed: done, prefixQueries: done * 100, prefixHits: done * 50 });
    }
    samples.push({ t: T0 + 80, completed: 160, prefixQueries: 16_000, prefixHits: 8000 });
    const c = countFromMeter(samples, T0, { startMin: 10, endMin: 70 }, 1)!;
    expect(c.stepsCounted).toBe(120);
    expect(c.stepsPerMin).toBe(2);
    expect(c.kvHitRate).toBeCloseTo(0.5, 10);
    expect(c.series.slice(5, 10)).toEqual([2, 2, 2, 2, 2]); // linear between samples
    expect(c.series.length).toBe(80);
  });

  it("gives up when the samples do not cover the window", () => {
    const s = [
      { t: 0, completed: 0, prefixQueries: 0, prefixHits: 0 },
      { t: 30, completed: 10, prefixQueries: 0, prefixHits: 0 },
    ];
    expect(countFromMeter(s, 0, { startMin: 10, endMin: 70 }, 1)).toBeNull();
    expect(countFromMeter(s.slice(0, 1), 0, { startMin: 1, endMin: 2 }, 1)).toBeNull();
  });
});

describe("the engine meter reads each backend type's served-calls counter", () => {
  it.each(BACKEND_TYPE_NAMES)("%s: the record's example", (name) => {
    const t = backendType(name);
    expect(readCounters(t.example.bodies[t.servedCalls.path] as string, name)).toEqual(
      t.example.served,
    );
    expect(servedCallsSource(name)).toBe(`${t.servedCalls.path} ${t.servedCalls.counter}`);
  });

  it("cites vLLM's counter by default", () => {
    expect(servedCallsSource("vllm")).toBe("/metrics vllm:request_success_total");
  });
});
