/**
 * arrive+complete pairs per second on one core: 1,000 programs over 16 backends in tr mode, every
 * request admitted (ample capacity), each pair a whole step (reasoning → acting), like the proxy
 * drives it for a non-streaming request. A second figure adds forwarded, firstToken and 20
 * streamChunk calls per request (a streamed step).
 */
import { performance } from "node:perf_hooks";
import { DEFAULT_ROUTER_OPTIONS, emptySnapshot, Router } from "@thunderagent/router-core";
import { BenchError } from "../errors.js";

export interface ThroughputResult {
  pairs: number;
  rounds: number;
  /** Median over rounds. */
  pairsPerSecond: number;
  bestPairsPerSecond: number;
  streamedStepsPerSecond: number;
}

export function runThroughputBench(pairs: number, rounds: number): ThroughputResult {
  const urls = Array.from({ length: 16 }, (_, i) => `http://gpu-${i}:8000`);
  const programs = Array.from({ length: 1000 }, (_, i) => `prog-${i}`);
  const ids = Array.from({ length: 4096 }, (_, i) => `req-${i}`);
  const usage = {
    promptTokens: 10_000,
    completionTokens: 300,
    totalTokens: 10_300,
    cachedTokens: 9_000,
  };

  const setup = (): Router => {
    const r = new Router({ ...DEFAULT_ROUTER_OPTIONS }, urls);
    for (const u of urls) r.updateBackend(u, emptySnapshot(1e9, 1), 0);
    return r;
  };

  const simple: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const r = setup();
    let now = 1;
    const t0 = performance.now();
    for (let i = 0; i < pairs; i++) {
      const id = ids[i & 4095]!;
      const d = r.arrive(
        { requestId: id, programId: programs[i % 1000]!, payloadChars: 40_000 },
        now,
      );
      if (d.kind !== "forward") {
        throw new BenchError("unexpected_wait", "a request had to wait in the throughput bench");
      }
      r.complete(id, usage, now);
      now += 1e-5;
    }
    simple.push(pairs / ((performance.now() - t0) / 1000));
  }

  const streamed: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const r = setup();
    let now = 1;
    const n = Math.floor(pairs / 4);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const id = ids[i & 4095]!;
      r.arrive({ requestId: id, programId: programs[i % 1000]!, payloadChars: 40_000 }, now);
      r.forwarded(id, now);
      r.firstToken(id, now);
      for (let c = 0; c < 20; c++) r.streamChunk(id, now);
      r.complete(id, usage, now);
      now += 1e-5;
    }
    streamed.push(n / ((performance.now() - t0) / 1000));
  }

  const median = (xs: number[]): number =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    pairs,
    rounds,
    pairsPerSecond: median(simple),
    bestPairsPerSecond: Math.max(...simple),
    streamedStepsPerSecond: median(streamed),
  };
}
