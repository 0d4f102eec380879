/** A small deterministic PRNG (mulberry32), so every bench run sees the same workload. */
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

/** Program context sizes like workload.md's step-weighted working set: 2k..100k, median ≈ 14k. */
export function contextTokens(rand: () => number): number {
  const u = rand();
  // log-uniform between 2k and 100k, skewed low
  return Math.round(2000 * Math.pow(50, u * u));
}
