/**
 * Chained block hashes over token ids, as vLLM's prefix cache keys its blocks: the hash of block k
 * covers block k's token ids and the hash of block k−1, so equal hashes mean equal prefixes.
 * Integer hashing (two 32-bit lanes combined into a 53-bit safe integer), cheap enough to hash
 * every prompt token on admission.
 * @module
 */

const TWO_POW_21 = 2 ** 21;
/** The parent "hash" of the first block. */
export const ROOT_HASH = 0x1234567;

/** Hash of one full block: `tokens[start .. start+blockSize)` chained onto `parent`. */
export function hashBlock(
  parent: number,
  tokenAt: (i: number) => number,
  start: number,
  blockSize: number,
): number {
  let a = (parent % 4294967296) | 0;
  let b = Math.floor(parent / 4294967296) ^ 0x5bd1e995;
  for (let i = start; i < start + blockSize; i++) {
    const t = tokenAt(i) | 0;
    a = Math.imul(a ^ t, 0x9e3779b1);
    a = (a << 13) | (a >>> 19);
    b = Math.imul(b + t, 0x85ebca77) ^ (b >>> 15);
  }
  a = Math.imul(a ^ (a >>> 16), 0x7feb352d);
  a ^= a >>> 15;
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  return (a >>> 0) * TWO_POW_21 + (b >>> 11);
}

/** The same, specialised for a Uint32Array (the hot path on admission). */
export function hashBlockOf(
  parent: number,
  tokens: Uint32Array,
  start: number,
  blockSize: number,
): number {
  let a = (parent % 4294967296) | 0;
  let b = Math.floor(parent / 4294967296) ^ 0x5bd1e995;
  const end = start + blockSize;
  for (let i = start; i < end; i++) {
    const t = tokens[i]! | 0;
    a = Math.imul(a ^ t, 0x9e3779b1);
    a = (a << 13) | (a >>> 19);
    b = Math.imul(b + t, 0x85ebca77) ^ (b >>> 15);
  }
  a = Math.imul(a ^ (a >>> 16), 0x7feb352d);
  a ^= a >>> 15;
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  return (a >>> 0) * TWO_POW_21 + (b >>> 11);
}
