/**
 * Seeded randomness shared by the packages that need reproducible draws (engine-sim's scripted
 * workload, the SWE-bench runner's `--shuffle`): a 32-bit string hash, mulberry32, and normal and
 * lognormal draws (the workload's distributions are given as lognormals, docs/simulator-facts.md).
 * Pure: every function takes its seed or its random source.
 * @module
 */

/** FNV-1a over a string's UTF-16 code units. */
export function hashString(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
export function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A lognormal with the given median and 90th percentile. */
export function lognormal(rand: () => number, median: number, p90: number): number {
  const sigma = Math.log(p90 / median) / 1.2815515655446004;
  return median * Math.exp(sigma * normal(rand));
}
