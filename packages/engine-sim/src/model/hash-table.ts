/**
 * An open-addressing hash table from 53-bit block hashes to block ids (linear probing,
 * backward-shift deletion), over typed arrays: a `Map` with non-Smi number keys costs ~200 ns per
 * lookup, this costs a few. Sized for at most `maxEntries` keys (one per block).
 * @module
 */

const EMPTY = -1;

export class BlockHashTable {
  private readonly keys: Float64Array;
  private readonly vals: Int32Array;
  private readonly mask: number;
  private readonly shift: number;
  private count = 0;

  constructor(maxEntries: number) {
    let cap = 16;
    while (cap < maxEntries * 2) cap *= 2;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
  }

  get size(): number {
    return this.count;
  }

  /** Multiplicative hashing of the key's low 32 bits (ToUint32 of an integer-valued double is exact). */
  private slot(h: number): number {
    return Math.imul(h >>> 0, 0x9e3779b1) >>> this.shift;
  }

  /** The slot that holds `h`, or the empty slot where it would go (linear probing). */
  private probe(h: number): number {
    const keys = this.keys;
    const vals = this.vals;
    let i = this.slot(h);
    while (vals[i] !== EMPTY && keys[i] !== h) i = (i + 1) & this.mask;
    return i;
  }

  /** The block stored under `h`, or −1. */
  get(h: number): number {
    return this.vals[this.probe(h)]!;
  }

  /** Stores `block` under `h` (replacing any block stored there). */
  set(h: number, block: number): void {
    const i = this.probe(h);
    if (this.vals[i] === EMPTY) {
      this.keys[i] = h;
      this.count++;
    }
    this.vals[i] = block;
  }

  /** Stores `block` under `h` unless `h` is present; returns the block already there, or −1. */
  setIfAbsent(h: number, block: number): number {
    const i = this.probe(h);
    const v = this.vals[i]!;
    if (v !== EMPTY) return v;
    this.keys[i] = h;
    this.vals[i] = block;
    this.count++;
    return EMPTY;
  }

  /** Removes `h`; returns whether it was there. */
  delete(h: number): boolean {
    return this.deleteIf(h, -2);
  }

  /**
   * Removes `h` if it maps to `block` (any block when `block` is −2); returns whether it removed it.
   */
  deleteIf(h: number, block: number): boolean {
    const mask = this.mask;
    const i = this.probe(h);
    const v = this.vals[i]!;
    if (v === EMPTY || (block !== -2 && v !== block)) return false;
    this.count--;
    // backward-shift deletion keeps probe chains intact without tombstones
    let hole = i;
    let j = (i + 1) & mask;
    for (;;) {
      if (this.vals[j] === EMPTY) break;
      const home = this.slot(this.keys[j]!);
      // move j into the hole if its home is not in (hole, j] cyclically
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        this.keys[hole] = this.keys[j]!;
        this.vals[hole] = this.vals[j]!;
        hole = j;
      }
      j = (j + 1) & mask;
    }
    this.vals[hole] = EMPTY;
    return true;
  }
}
