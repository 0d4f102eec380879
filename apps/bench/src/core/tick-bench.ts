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
import { BenchError } from "../errors.js";
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

/**
 * The router under a churning load: programs that send requests, requests that finish (each
 * growing its program by 300 tokens), backends whose capacity swings. `tick()` times one tick.
 */
class TickWorkload {
  readonly router: Router;
  private readonly rand: () => number;
  private readonly urls: string[];
  private readonly sizes: number[];
  private readonly pids: string[];
  private readonly baseCapacity: number;
  private readonly inFlight = new Map<string, number>(); // request id → program index
  private readonly pendingOf = new Map<string, number>();
  private now = 1_000;
  private seq = 0;
  /** Wall-clock and CPU ms of the last tick. */
  lastMs = 0;
  lastCpuMs = 0;

  constructor(private readonly o: TickBenchOptions) {
    this.rand = mulberry32(o.seed);
    this.urls = Array.from({ length: o.backends }, (_, i) => `http://gpu-${i}:8000`);
    // No idle lease: most programs here wait many 5 s ticks between requests, and a 15 s lease
    // would free the very pressure this bench exists to put on the pause and restore passes.
    this.router = new Router(
      { ...DEFAULT_ROUTER_OPTIONS, useActingTokenDecay: false, actingLeaseS: null },
      this.urls,
    );
    this.sizes = Array.from({ length: o.programs }, () => contextTokens(this.rand));
    const totalTokens = this.sizes.reduce((a, b) => a + b, 0);
    // Room for about 75% of the programs' tokens (plus buffers), split evenly.
    this.baseCapacity = Math.round((0.75 * (totalTokens + 100 * o.programs)) / o.backends);
    for (const url of this.urls) {
      this.router.updateBackend(url, emptySnapshot(this.baseCapacity, 1), this.now);
    }
    this.pids = this.sizes.map((_, i) => `prog-${i}`);
    for (let i = 0; i < o.programs; i++) this.arrive(i);
    for (const [id, i] of [...this.inFlight]) this.finish(id, i);
  }

  private arrive(i: number): void {
    const id = `q${this.seq++}`;
    const d = this.router.arrive(
      { requestId: id, programId: this.pids[i]!, payloadChars: this.sizes[i]! * 4 },
      this.now,
    );
    if (d.kind === "forward") this.inFlight.set(id, i);
    else this.pendingOf.set(id, i);
  }

  private finish(id: string, i: number): void {
    const sizes = this.sizes;
    sizes[i] = sizes[i]! + 300;
    this.router.complete(
      id,
      {
        promptTokens: sizes[i]! - 300,
        completionTokens: 300,
        totalTokens: sizes[i]!,
        cachedTokens: null,
      },
      this.now,
    );
    this.inFlight.delete(id);
  }

  /** What happens between two ticks of a busy router (5 s of it). */
  churn(round: number): void {
    const o = this.o;
    this.now += 5;
    // Some requests end…
    let k = 0;
    for (const [id, i] of this.inFlight) {
      if (k++ >= o.churnPerTick) break;
      this.finish(id, i);
    }
    // …and some programs send their next request.
    for (let j = 0; j < o.churnPerTick; j++) {
      const i = Math.floor(this.rand() * o.programs);
      const p = this.router.program(this.pids[i]!);
      if (p && p.inFlight === 0 && p.pendingRequests === 0) this.arrive(i);
    }
    const swing = round % 2 === 0 ? 1 - o.swing : 1 + o.swing;
    for (const url of this.urls) {
      this.router.updateBackend(
        url,
        emptySnapshot(Math.round(this.baseCapacity * swing), 0.95 + 0.05 * this.rand()),
        this.now,
      );
    }
  }

  /** One timed tick; the requests it resumes are in flight afterwards. */
  tick(): ReturnType<Router["tick"]> {
    this.o.beforeTick?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const res = this.router.tick(this.now);
    const dt = performance.now() - t0;
    const c1 = process.cpuUsage(c0);
    this.lastCpuMs = (c1.user + c1.system) / 1000;
    for (const r of res.resumed) {
      const i = this.pendingOf.get(r.requestId);
      this.pendingOf.delete(r.requestId);
      if (i !== undefined) this.inFlight.set(r.requestId, i);
    }
    this.lastMs = dt;
    return res;
  }
}

export function runTickBench(o: TickBenchOptions): TickBenchResult {
  const load = new TickWorkload(o);
  for (let w = 0; w < 20; w++) {
    load.churn(w);
    load.tick();
  }
  const busy: number[] = [];
  const busyCpu: number[] = [];
  const work = { paused: 0, marked: 0, restored: 0, resumed: 0 };
  for (let t = 0; t < o.ticks; t++) {
    load.churn(t);
    const res = load.tick();
    busy.push(load.lastMs);
    busyCpu.push(load.lastCpuMs);
    work.paused += res.paused.length;
    work.marked += res.marked.length;
    work.restored += res.restored.length;
    work.resumed += res.resumed.length;
  }
  const quiet: number[] = [];
  const quietCpu: number[] = [];
  for (let t = 0; t < o.ticks; t++) {
    load.tick();
    quiet.push(load.lastMs);
    quietCpu.push(load.lastCpuMs);
  }
  const per = (x: number): number => x / o.ticks;
  return {
    programs: load.router.stats().programs,
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
    queueLength: load.router.stats().queueLength,
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
      throw new BenchError(
        "not_deterministic",
        "tick bench replays diverged: the run is not deterministic",
      );
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
