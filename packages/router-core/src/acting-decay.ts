/**
 * `--use-acting-token-decay`: while restoring (only then), an acting program's tokens weigh
 * w·x^(−t), t = seconds since it began acting, x = 2 (the original's f(t) = 2^(−t); the paper's
 * fig. 6b varies x). The longer a tool runs, the likelier its KV has been evicted already, so it
 * is counted as freeing room.
 * @module
 */

/** The weight of an acting program's tokens after `actingForS` seconds (never negative t). */
export function decayedActingWeight(weight: number, actingForS: number, base = 2): number {
  const t = actingForS > 0 ? actingForS : 0;
  return weight * Math.pow(base, -t);
}
