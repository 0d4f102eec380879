/**
 * A fixed-bucket histogram in Prometheus' shape: `counts[i]` is the cumulative number of
 * observations ≤ `buckets[i]` (the `le` series), `count`/`sum` cover all of them (+Inf included).
 * @module
 */

/** Seconds: how long requests waited for their program to be restored. */
export const PAUSE_TIME_BUCKETS: readonly number[] = Object.freeze([
  0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800,
]);

export interface HistogramSnapshot {
  buckets: number[];
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram {
  private readonly bounds: readonly number[];
  private readonly perBucket: number[];
  private total = 0;
  private n = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.perBucket = bounds.map(() => 0);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    this.n++;
    this.total += value;
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= this.bounds[i]!) {
        this.perBucket[i]!++;
        return;
      }
    }
  }

  snapshot(): HistogramSnapshot {
    let running = 0;
    const counts = this.perBucket.map((c) => (running += c));
    return { buckets: [...this.bounds], counts, sum: this.total, count: this.n };
  }
}
