/**
 * The fake vLLM's `/metrics`: the values a scenario sets, rendered by engine-sim's vLLM exposition
 * (the one home of that format in this repository), so the routers parse what a real vLLM sends.
 * @module
 */
import { renderVllmMetrics, type EngineCounters } from "@thunderagent/engine-sim";
import type { MetricValues } from "../scenario.js";

export type FakeMetrics = { [K in keyof MetricValues]-?: number };

export function initialMetrics(set: MetricValues & { numGpuBlocks: number }): FakeMetrics {
  return {
    numGpuBlocks: set.numGpuBlocks,
    blockSize: set.blockSize ?? 16,
    kvCacheUsage: set.kvCacheUsage ?? 0,
    running: set.running ?? 0,
    waiting: set.waiting ?? 0,
    prefixCacheQueries: set.prefixCacheQueries ?? 0,
    prefixCacheHits: set.prefixCacheHits ?? 0,
  };
}

export function metricsText(m: FakeMetrics, completed: number): string {
  const counters: EngineCounters = {
    running: m.running,
    waiting: m.waiting,
    kvCacheUsage: m.kvCacheUsage,
    prefixCacheQueries: m.prefixCacheQueries,
    prefixCacheHits: m.prefixCacheHits,
    prefixCachePreemptedQueries: 0,
    prefixCachePreemptedHits: 0,
    promptTokens: 0,
    generationTokens: 0,
    preemptions: 0,
    requestSuccess: { stop: completed, length: 0, abort: 0, error: 0 },
    numGpuBlocks: m.numGpuBlocks,
    blockSize: m.blockSize,
    freeBlocks: 0,
    evictions: 0,
    pinnedRequests: 0,
    steps: 0,
  };
  return renderVllmMetrics(counters, {
    modelName: "conformance",
    createdAt: 1_700_000_000,
    gpuMemoryUtilization: 0.9,
  });
}
