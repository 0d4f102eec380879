/** Summary statistics of a list of durations (ms). */
export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const at = (q: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] ?? 0;
  const mean = n ? sorted.reduce((a, b) => a + b, 0) / n : 0;
  return { n, mean, p50: at(0.5), p99: at(0.99), max: sorted[n - 1] ?? 0 };
}
