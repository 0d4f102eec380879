/**
 * Small statistics of the scheduling metrics (pure): percentiles of step latency, the Gini
 * coefficient of pauses across programs, goodput under an SLO, and the geometric mean of ratios
 * the scenario matrix reports.
 * @module
 */

/**
 * The p-th percentile (0 < p ≤ 100) by nearest rank: the smallest sample such that at least p % of
 * the samples are ≤ it (`sorted[⌈p/100 · n⌉ − 1]`). 0 for no samples.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/**
 * The Gini coefficient of non-negative values: Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² μ). 0 when every value is
 * equal (also all zero, or no values); (n − 1)/n when one holds everything.
 */
export function gini(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  let total = 0;
  let weighted = 0;
  sorted.forEach((x, i) => {
    total += x;
    weighted += (i + 1) * x;
  });
  if (total <= 0) return 0;
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/** A completed LLM call as goodput sees it: when the agent sent it and when its first token came. */
export interface TimedStep {
  arrivedAt: number;
  firstTokenAt: number;
}

/**
 * Steps that met the SLO: their wait in the router plus their time in the engine up to the first
 * token (queueing and prefill), i.e. first token − sent, is at most `sloS`.
 */
export function goodSteps(steps: readonly TimedStep[], sloS: number): number {
  let good = 0;
  for (const s of steps) if (s.firstTokenAt - s.arrivedAt <= sloS) good++;
  return good;
}

/** The geometric mean of positive numbers (NaN when empty or any is ≤ 0). */
export function geomean(xs: readonly number[]): number {
  if (xs.length === 0 || xs.some((x) => !(x > 0))) return Number.NaN;
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}
