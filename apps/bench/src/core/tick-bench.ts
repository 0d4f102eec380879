/**
 * One scheduler tick with 10,000 programs over 16 backends. The state is kept busy between ticks:
 * every round some requests finish (their programs grow by 300 tokens) and some programs send
 * their next request; with `swing` > 0 every backend's capacity also swings ±swing, so each tick
 * pauses and restores thousands of programs (stress). A quiet tick (no change in between) is
 * measured separately.
 */
import { performance } from "node:perf_hooks";
import process from "node:process";
import { DEFAULT_ROUTER_OPTIONS, emptySnapshot, Router } from "@thunderagent/router-core";
import { contextTokens, mulberry32 } from "./prng.js";
import { type Summary, summarize } from "./stats.js";

export interface TickBenchResult {
  programs: number;
  backends: number;
  /** Wall-clock ms of each measured tick, in order (the run is deterministic: replays match). */
  busyMs: number[];
  quietMs: number[];
  /** Wall-clock ms per tick. */
  busy: Summary;
  /** CPU ms per tick (this process, all threads, user + system). */
  busyCpu: Summary;
  quiet: Summary;
  quietCpu: Summary;
  /** Per busy tick, on average. */
  work: { paused: number; marked: number; restored: number; resumed: number };
  queueLength: number;
  /** Replayed results only: the first replay's own (unfiltered) wall and CPU summaries. */
  firstRun?: { busy: Summary; busyCpu: Summary };
}

export interface TickBenchOptions {
  programs: number;
  backends: number;
  ticks: number;
  /** Requests that end, and programs that send their next request, between two ticks. */
  churnPerTick: number;
  /** Each backend's capacity alternates between (1 − swing) and (1 + swing) times its base. */
  swing: number;
  seed: number;
  /** Called before each timed tick, untimed (main.ts passes a minor GC). */
  beforeTick?: () => void;
}

export function runTickBench(o: TickBenchOptions): TickBenchResult {
  const rand = mulberry32(o.seed);
  const urls = Array.from({ length: o.backends }, (_, i) => `http://gpu-${i}:8000`);
  const router = new Router({ ...DEFAULT_ROUTER_OPTIONS, useActingTokenDecay: false }, urls);
  const sizes = Array.from({ length: o.programs }, () => contextTokens(rand));
  const totalTokens = sizes.reduce((a, b) => a + b, 0);
  // Room for about 75% of the programs' tokens (plus buffers), split evenly.
  const baseCapacity = Math.round((0.75 * (totalTokens + 100 * o.programs)) / o.backends);
  let now = 1_000;
  for (const url of urls) router.updateBackend(url, emptySnapshot(baseCapacity, 1), now);

  const inFlight = new Map<string, number>(); // request id → program index
  let seq = 0;
  const pids = sizes.map((_, i) => `prog-${i}`);
  const arrive = (i: number): void => {
    const id = `q${seq++}`;
    const d = router.arrive(
      { requestId: id, programId: pids[i]!, payloadChars: sizes[i]! * 4 },
      now,
    );
    if (d.kind === "forward") inFlight.set(id, i);
    else pendingOf.set(id, i);
  };
  const pendingOf = new Map<string, number>();
  const finish = (id: string, i: number): void => {
    sizes[i] = sizes[i]! + 300;
    router.complete(
      id,
      {
        promptTokens: sizes[i]! - 300,
        completionTokens: 300,
        totalTokens: sizes[i]!,
        cachedTokens: null,
      },
      now,
    );
    inFlight.delete(id);
  };
  for (let i = 0; i < o.programs; i++) arrive(i);
  for (const [id, i] of [...inFlight]) finish(id, i);

  const churn = (round: number): void => {
    now += 5;
    // Some requests end…
    let k = 0;
    for (const [id, i] of inFlight) {
      if (k++ >= o.churnPerTick) break;
      finish(id, i);
    }
    // …and some programs send their next request.
    for (let j = 0; j < o.churnPerTick; j++) {
      const i = Math.floor(rand() * o.programs);
      const p = router.program(pids[i]!);
      if (p && p.inFlight === 0 && p.pendingRequests === 0) arrive(i);
    }
    const swing = round % 2 === 0 ? 1 - o.swing : 1 + o.swing;
    for (const url of urls) {
      router.updateBackend(
        url,
        emptySnapshot(Math.round(baseCapacity * swing), 0.95 + 0.05 * rand()),
        now,
      );
    }
  };
  const applyTick = (): ReturnType<Router["tick"]> => {
    o.beforeTick?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const res = router.tick(now);
    const dt = performance.now() - t0;
    const c1 = process.cpuUsage(c0);
    lastCpuMs = (c1.user + c1.system) / 1000;
    for (const r of res.resumed) {
      const i = pendingOf.get(r.requestId);
      pendingOf.delete(r.requestId);
      if (i !== undefined) inFlight.set(r.requestId, i);
    }
    lastMs = dt;
    return res;
  };
  let lastMs = 0;
  let lastCpuMs = 0;

  for (let w = 0; w < 20; w++) {
    churn(w);
    applyTick();
  }
  const busy: number[] = [];
  const busyCpu: number[] = [];
  const work = { paused: 0, marked: 0, restored: 0, resumed: 0 };
  for (let t = 0; t < o.ticks; t++) {
    churn(t);
    const res = applyTick();
    busy.push(lastMs);
    busyCpu.push(lastCpuMs);
    work.paused += res.paused.length;
    work.marked += res.marked.length;
    work.restored += res.restored.length;
    work.resumed += res.resumed.length;
  }
  const quiet: number[] = [];
  const quietCpu: number[] = [];
  for (let t = 0; t < o.ticks; t++) {
    applyTick();
    quiet.push(lastMs);
    quietCpu.push(lastCpuMs);
  }
  const per = (x: number): number => x / o.ticks;
  return {
    programs: router.stats().programs,
    backends: o.backends,
    busyMs: busy,
    quietMs: quiet,
    busy: summarize(busy),
    busyCpu: summarize(busyCpu),
    quiet: summarize(quiet),
    quietCpu: summarize(quietCpu),
    work: {
      paused: per(work.paused),
      marked: per(work.marked),
      restored: per(work.restored),
      resumed: per(work.resumed),
    },
    queueLength: router.stats().queueLength,
  };
}

/**
 * Runs the same deterministic bench `replays` times and keeps, per tick, the fastest wall time:
 * a tick's work is identical in every replay, so the minimum filters out time the OS gave to
 * other jobs on a shared machine (noise only ever adds).
 */
export function runTickBenchReplayed(o: TickBenchOptions, replays: number): TickBenchResult {
  const runs = Array.from({ length: Math.max(1, replays) }, () => runTickBench(o));
  const first = runs[0]!;
  for (const r of runs) {
    if (JSON.stringify(r.work) !== JSON.stringify(first.work)) {
      throw new Error("tick bench replays diverged: the run is not deterministic");
    }
  }
  const minOf = (pick: (r: TickBenchResult) => number[]): number[] =>
    pick(first).map((_, i) => Math.min(...runs.map((r) => pick(r)[i]!)));
  const busyMs = minOf((r) => r.busyMs);
  const quietMs = minOf((r) => r.quietMs);
  return {
    ...first,
    busyMs,
    quietMs,
    busy: summarize(busyMs),
    quiet: summarize(quietMs),
    firstRun: { busy: first.busy, busyCpu: first.busyCpu },
  };
}
