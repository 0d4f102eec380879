/**
 * The dashboard's charts over the last half hour: every `stepS` seconds the cumulative counters
 * are sampled (steps done, the engines' prefix-cache hits and queries, the Router's wait
 * histogram) with the number of paused programs, and one point is made from the change over the
 * `windowS` before it: steps per minute, KV (prefix-cache) hit rate, p50/p99 of the waits for a
 * restore that ended in that window. Pure and bounded (span ÷ step points).
 * @module
 */
import type { HistoryPoint } from "./feed-types.js";

/** The counters one sample reads (cumulative, except `paused`). */
export interface HistorySample {
  t: number;
  steps: number;
  paused: number;
  prefixHits: number;
  prefixQueries: number;
  /** The wait histogram: upper bounds, cumulative counts per bound, count of all (+Inf too). */
  waitBuckets: readonly number[];
  waitCounts: readonly number[];
  waitCount: number;
}

export interface HistoryOptions {
  stepS: number;
  spanS: number;
  windowS: number;
}

export class History {
  readonly #samples: HistorySample[] = [];
  readonly #points: HistoryPoint[] = [];
  /** Points made so far (kept or not): a reader remembers it to know which points are new. */
  added = 0;

  constructor(readonly opts: HistoryOptions) {}

  /** Whether a sample is due at `now`. */
  due(now: number): boolean {
    const last = this.#samples.at(-1);
    return last === undefined || now - last.t >= this.opts.stepS - 1e-6;
  }

  /** Records a sample and returns the point made from it. */
  add(s: HistorySample): HistoryPoint {
    const base = this.#baseFor(s.t);
    const point = pointFrom(base, s);
    this.#samples.push(s);
    this.#points.push(point);
    this.added++;
    const keepSamples = Math.ceil(this.opts.windowS / this.opts.stepS) + 2;
    if (this.#samples.length > keepSamples) this.#samples.shift();
    const keepPoints = Math.floor(this.opts.spanS / this.opts.stepS);
    if (this.#points.length > keepPoints) this.#points.shift();
    return point;
  }

  points(): HistoryPoint[] {
    return [...this.#points];
  }

  /** The oldest kept sample at or after `t − windowS` (the window's start); null before any. */
  #baseFor(t: number): HistorySample | null {
    const from = t - this.opts.windowS - 1e-6;
    return this.#samples.find((x) => x.t >= from) ?? null;
  }
}

function pointFrom(base: HistorySample | null, s: HistorySample): HistoryPoint {
  const point: HistoryPoint = {
    t: s.t,
    stepsPerMin: null,
    paused: s.paused,
    kvHitRate: null,
    waitP50: null,
    waitP99: null,
  };
  if (base === null || s.t <= base.t) return point;
  const dt = s.t - base.t;
  const steps = s.steps - base.steps;
  if (steps >= 0) point.stepsPerMin = round((steps / dt) * 60);
  const queries = s.prefixQueries - base.prefixQueries;
  const hits = s.prefixHits - base.prefixHits;
  if (queries > 0 && hits >= 0) point.kvHitRate = round(Math.min(1, hits / queries));
  const counts = s.waitCounts.map((c, i) => c - (base.waitCounts[i] ?? 0));
  const total = s.waitCount - base.waitCount;
  point.waitP50 = quantile(0.5, s.waitBuckets, counts, total);
  point.waitP99 = quantile(0.99, s.waitBuckets, counts, total);
  return point;
}

/**
 * The q-quantile of a histogram's observations, as Prometheus' `histogram_quantile` estimates
 * it: linear inside the bucket it falls in; in the +Inf bucket, the highest finite bound. Null
 * when there are no observations (or a counter went back: a restart).
 */
export function quantile(
  q: number,
  bounds: readonly number[],
  cumulative: readonly number[],
  total: number,
): number | null {
  if (!(total > 0) || cumulative.some((c) => c < 0)) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    const upper = bounds[i]!;
    const count = cumulative[i] ?? below;
    if (count >= rank) {
      const inBucket = count - below;
      const frac = inBucket > 0 ? (rank - below) / inBucket : 1;
      return round(lower + (upper - lower) * frac);
    }
    lower = upper;
    below = count;
  }
  return bounds.length > 0 ? bounds[bounds.length - 1]! : null;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
