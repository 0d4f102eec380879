/**
 * Seeded pseudo-random numbers for the scheduling simulation: sfc32 (small, fast, 128-bit state)
 * seeded through splitmix32, plus the samplers the workload needs. Everything derives from
 * (seed, stream) pairs so each instance of the pool gets its own independent stream: the same
 * instance is identical in every system and every N.
 * @module
 */

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  /** `stream` separates independent sequences under one seed (e.g. one per pool instance). */
  constructor(seed: number, stream = 0) {
    const mix = splitmix32((seed * 0x9e3779b1 + stream * 0x85ebca77 + 0x27d4eb2f) >>> 0);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = this.next();
    while (u <= 1e-12) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  lognormal(dist: Lognormal): number {
    return Math.exp(dist.mu + dist.sigma * this.normal());
  }

  /** Picks an index with probability proportional to `weights`. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i] ?? 0;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
}

/** A lognormal by its log-space parameters. */
export interface Lognormal {
  mu: number;
  sigma: number;
}

const Z90 = 1.2815515655446004;

/** Lognormal with the given median and 90th percentile. */
export function lognormalMedianP90(median: number, p90: number): Lognormal {
  if (!(median > 0) || !(p90 > median)) throw new RangeError("need 0 < median < p90");
  return { mu: Math.log(median), sigma: Math.log(p90 / median) / Z90 };
}

/** Lognormal with the given median and mean (mean = median · e^{σ²/2}). */
export function lognormalMedianMean(median: number, mean: number): Lognormal {
  if (!(median > 0) || !(mean > median)) throw new RangeError("need 0 < median < mean");
  return { mu: Math.log(median), sigma: Math.sqrt(2 * Math.log(mean / median)) };
}

/** Draws from `dist`, rounds, and clamps into [min, max]. */
export function sampleInt(rng: Rng, dist: Lognormal, min: number, max: number): number {
  const v = Math.round(rng.lognormal(dist));
  return v < min ? min : v > max ? max : v;
}
