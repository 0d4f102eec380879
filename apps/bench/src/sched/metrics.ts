/**
 * What a run measures, counted the way the paper's README defines it: LLM calls completed between
 * minute 10 and minute 70 of (virtual) time, divided by the window length in minutes.
 *
 * KV hit rate: `vllm:prefix_cache_hits_total / vllm:prefix_cache_queries_total` as scraped at the
 * window's end, i.e. the cumulative ratio since the engine started. That is the hit rate
 * ThunderAgent computes from `/metrics` (`VLLMMetrics.prefix_cache_hit_rate` in
 * `ThunderAgent/backend/vllm_metrics.py`); the paper gives no window for it. The same ratio
 * differenced between the scrapes at the window edges is kept as `kvHitRateWindow`. Preemptions
 * are differenced between the window edges.
 * @module
 */
import type { ScrapeSnapshot } from "./ports.js";
import { gini, goodSteps, percentile, type TimedStep } from "./stats.js";

export interface Window {
  startS: number;
  endS: number;
}

export const PAPER_WINDOW: Window = { startS: 600, endS: 4200 };

export interface CounterTotals {
  queries: number;
  hits: number;
  preemptions: number;
}

export function sumCounters(snaps: readonly ScrapeSnapshot[]): CounterTotals {
  let queries = 0;
  let hits = 0;
  let preemptions = 0;
  for (const s of snaps) {
    queries += s.prefixCacheQueries;
    hits += s.prefixCacheHits;
    preemptions += s.numPreemptions;
  }
  return { queries, hits, preemptions };
}

export class RunMetrics {
  private stepsInWindow = 0;
  private latencySum = 0;
  private pauseSum = 0;
  private pausedSteps = 0;
  private readonly perMinute: number[] = [];
  private startCounters: CounterTotals | null = null;
  private endCounters: CounterTotals | null = null;
  private readonly latencies: number[] = [];
  private readonly timed: TimedStep[] = [];
  private readonly pauseCounts: number[] = [];
  private longestWait = 0;
  programsFinished = 0;

  /** `sloS`: the goodput SLO on first token − sent (scenario field `sloS`). */
  constructor(
    readonly window: Window,
    readonly sloS = DEFAULT_SLO_S,
  ) {}

  /**
   * One LLM call finished at `now`; `arrivedAt` is when the agent sent it, `forwardedAt` when the
   * router let it through to the engine, `firstTokenAt` when its first token came.
   */
  stepCompleted(now: number, arrivedAt: number, forwardedAt: number, firstTokenAt = now): void {
    const minute = Math.floor(now / 60);
    while (this.perMinute.length <= minute) this.perMinute.push(0);
    this.perMinute[minute] = (this.perMinute[minute] ?? 0) + 1;
    if (now < this.window.startS || now >= this.window.endS) return;
    this.stepsInWindow++;
    this.latencySum += now - arrivedAt;
    this.latencies.push(now - arrivedAt);
    this.timed.push({ arrivedAt, firstTokenAt });
    const pause = forwardedAt - arrivedAt;
    this.pauseSum += pause;
    if (pause > 1e-9) this.pausedSteps++;
  }

  /** A request waited `waitS` in the router (at its forward, or still waiting at the end). */
  noteWait(waitS: number): void {
    if (waitS > this.longestWait) this.longestWait = waitS;
  }

  /** A program's pause count, once per program (when it ends, or at the end of the run). */
  notePauses(count: number): void {
    this.pauseCounts.push(count);
  }

  /** The measures added for the scenario matrix (step latency, goodput, waits, fairness). */
  extra(): ExtraSummary {
    const minutes = (this.window.endS - this.window.startS) / 60;
    const good = goodSteps(this.timed, this.sloS);
    return {
      sloS: this.sloS,
      goodputPerMin: good / minutes,
      goodputShare: this.timed.length > 0 ? good / this.timed.length : 0,
      stepP50S: percentile(this.latencies, 50),
      stepP99S: percentile(this.latencies, 99),
      longestWaitS: this.longestWait,
      programsCounted: this.pauseCounts.length,
      pauseGini: gini(this.pauseCounts),
    };
  }

  markWindowStart(c: CounterTotals): void {
    this.startCounters = c;
  }

  markWindowEnd(c: CounterTotals): void {
    this.endCounters = c;
  }

  get windowSteps(): number {
    return this.stepsInWindow;
  }

  summary(): WindowSummary {
    const minutes = (this.window.endS - this.window.startS) / 60;
    const s = this.startCounters ?? { queries: 0, hits: 0, preemptions: 0 };
    const e = this.endCounters ?? s;
    const dq = e.queries - s.queries;
    const steps = this.stepsInWindow;
    return {
      stepsInWindow: steps,
      stepsPerMin: steps / minutes,
      kvHitRate: e.queries > 0 ? e.hits / e.queries : 0,
      kvHitRateWindow: dq > 0 ? (e.hits - s.hits) / dq : 0,
      preemptions: e.preemptions - s.preemptions,
      meanStepS: steps > 0 ? this.latencySum / steps : 0,
      meanPauseS: steps > 0 ? this.pauseSum / steps : 0,
      totalPauseS: this.pauseSum,
      pausedStepShare: steps > 0 ? this.pausedSteps / steps : 0,
      stepsPerMinute: [...this.perMinute],
    };
  }
}

/** Default goodput SLO, seconds from sending a call to its first token. */
export const DEFAULT_SLO_S = 10;

export interface ExtraSummary {
  /** The goodput SLO, seconds (first token − sent). */
  sloS: number;
  /** Window steps whose first token came within the SLO, per minute. */
  goodputPerMin: number;
  /** The same as a share of the window's steps. */
  goodputShare: number;
  /** Step latency (sent → last token, pause included) over the window's steps: p50 and p99. */
  stepP50S: number;
  stepP99S: number;
  /** The longest any request waited in the router (forwarded, or still waiting at the end). */
  longestWaitS: number;
  /** Programs whose pauses were counted (every program that reached the router). */
  programsCounted: number;
  /** Gini coefficient of the pause counts across those programs (0: equal). */
  pauseGini: number;
}

export interface WindowSummary {
  stepsInWindow: number;
  stepsPerMin: number;
  /** Prefix-cache hit rate in tokens, cumulative from the start to the window's end (hits / queries). */
  kvHitRate: number;
  /** Prefix-cache hit rate in tokens over the window only (Δhits / Δqueries). */
  kvHitRateWindow: number;
  preemptions: number;
  /** Mean LLM-call latency (agent sends → last token), pause included. */
  meanStepS: number;
  /** Mean time a call waited in the router before being forwarded. */
  meanPauseS: number;
  totalPauseS: number;
  pausedStepShare: number;
  /** Completed LLM calls in each minute of the run (the time series). */
  stepsPerMinute: number[];
}
