/** Seeded workload draws for the core bench; the PRNG is engine-sim's (mulberry32). */
export { mulberry32 } from "@thunderagent/engine-sim/scripted";

/**
 * Program context sizes like the step-weighted working set (docs/simulator-facts.md, "Workload"):
 * 2k..100k, median ≈ 14k.
 */
export function contextTokens(rand: () => number): number {
  const u = rand();
  // log-uniform between 2k and 100k, skewed low
  return Math.round(2000 * Math.pow(50, u * u));
}
