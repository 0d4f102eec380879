/**
 * Helpers for BackendSnapshot values.
 * @module
 */
import type { BackendSnapshot } from "./types.js";

/** A snapshot with every counter at 0, optionally with a capacity (tests, simulation). */
export function emptySnapshot(
  capacityTokens: number | null = null,
  kvCacheUsage = 0,
): BackendSnapshot {
  return {
    capacityTokens,
    blockSize: null,
    numGpuBlocks: null,
    kvCacheUsage,
    numRequestsRunning: 0,
    numRequestsWaiting: 0,
    prefixCacheQueries: 0,
    prefixCacheHits: 0,
    promptTokens: 0,
    generationTokens: 0,
    numPreemptions: 0,
    requestsCompleted: 0,
  };
}
