/**
 * vLLM's KV block pool (`vllm/v1/core/block_pool.py` + `FreeKVCacheBlockQueue`): reference counts,
 * a doubly linked free-block queue (head = evicted first), and the hash → block map of the prefix
 * cache. Eviction is lazy: a freed block keeps its hash until `allocate` pops it. Block 0 is the
 * null block and is never handed out. All operations are O(blocks touched), never O(pool).
 * @module
 */

import { BlockHashTable } from "./hash-table.js";

const NONE = -1;

export class BlockPool {
  readonly numBlocks: number;
  private readonly refCnt: Int32Array;
  private readonly hashOf: Float64Array; // NaN = no hash
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly inQueue: Uint8Array;
  private head = NONE;
  private tail = NONE;
  private freeCount = 0;
  /** hash → a block holding it (the one lookups return). */
  private readonly cached: BlockHashTable;
  /** Other blocks holding an already-cached hash (vLLM keeps them all, keyed by block id). */
  private readonly duplicates = new Map<number, Set<number>>();
  /** Blocks registered in `duplicates`. */
  private dupCount = 0;
  /** Evictions of cached blocks so far (for tests and stats). */
  evictions = 0;

  constructor(numBlocks: number) {
    this.numBlocks = numBlocks;
    this.refCnt = new Int32Array(numBlocks);
    this.hashOf = new Float64Array(numBlocks).fill(Number.NaN);
    this.prev = new Int32Array(numBlocks).fill(NONE);
    this.next = new Int32Array(numBlocks).fill(NONE);
    this.inQueue = new Uint8Array(numBlocks);
    this.cached = new BlockHashTable(numBlocks);
    // Block 0 is the null block: vLLM pops it from the queue at start-up.
    for (let b = 1; b < numBlocks; b++) this.pushTail(b);
  }

  /** Blocks in the free queue (free or cached-but-evictable). */
  get numFree(): number {
    return this.freeCount;
  }

  /** vLLM's `get_usage()`: 1 − free / (blocks − 1); evictable cached blocks count as free. */
  usage(): number {
    const total = this.numBlocks - 1;
    return total <= 0 ? 0 : 1 - this.freeCount / total;
  }

  /** The block caching `hash`, or −1. */
  lookup(hash: number): number {
    return this.cached.get(hash);
  }

  refCount(block: number): number {
    return this.refCnt[block]!;
  }

  hashOfBlock(block: number): number | null {
    const h = this.hashOf[block]!;
    return Number.isNaN(h) ? null : h;
  }

  /** A prefix hit: take the blocks out of the free queue if there, ref_cnt++ (vLLM `touch`). */
  touch(blocks: readonly number[], start = 0, end = blocks.length): void {
    for (let i = start; i < end; i++) {
      const b = blocks[i]!;
      if (this.refCnt[b] === 0 && this.inQueue[b] === 1) this.unlink(b);
      this.refCnt[b]!++;
    }
  }

  /**
   * Pops `n` blocks from the queue head, evicting their cached hashes (vLLM `get_new_blocks`), and
   * appends them to `out`. The caller checked `n ≤ numFree`.
   */
  allocate(n: number, out: number[]): void {
    for (let k = 0; k < n; k++) {
      const b = this.head;
      if (b === NONE) throw new Error("block pool exhausted (caller must check numFree)");
      this.unlink(b);
      this.evict(b);
      this.refCnt[b] = 1;
      out.push(b);
    }
  }

  /**
   * Frees a request's blocks in the given order (callers pass them tail first, as vLLM's
   * `single_type_kv_cache_manager.free` does): ref_cnt−−, and blocks reaching 0 join the queue tail.
   */
  freeBlocks(ordered: readonly number[]): void {
    for (const b of ordered) {
      const r = --this.refCnt[b]!;
      if (r < 0) throw new Error(`block ${b} freed twice`);
      if (r === 0) this.pushTail(b);
    }
  }

  /** Frees `blocks` tail block first (the order a finished or preempted request's blocks go back). */
  freeReversed(blocks: readonly number[]): void {
    for (let i = blocks.length - 1; i >= 0; i--) {
      const b = blocks[i]!;
      const r = --this.refCnt[b]!;
      if (r < 0) throw new Error(`block ${b} freed twice`);
      if (r === 0) this.pushTail(b);
    }
  }

  /** Marks a full, computed block as cached under `hash` (vLLM `cache_full_blocks`). */
  cacheBlock(block: number, hash: number): void {
    if (!Number.isNaN(this.hashOf[block]!)) return;
    this.hashOf[block] = hash;
    if (this.cached.setIfAbsent(hash, block) === NONE) return;
    let dups = this.duplicates.get(hash);
    if (!dups) {
      dups = new Set();
      this.duplicates.set(hash, dups);
    }
    dups.add(block);
    this.dupCount++;
  }

  /** Blocks currently holding a hash (cached), for tests; O(pool). */
  cachedBlockCount(): number {
    let n = 0;
    for (let b = 1; b < this.numBlocks; b++) if (!Number.isNaN(this.hashOf[b]!)) n++;
    return n;
  }

  /** The free queue from head (next evicted) to tail, for tests; O(pool). */
  freeQueue(): number[] {
    const out: number[] = [];
    for (let b = this.head; b !== NONE; b = this.next[b]!) out.push(b);
    return out;
  }

  private evict(b: number): void {
    const h = this.hashOf[b]!;
    if (Number.isNaN(h)) return;
    this.hashOf[b] = Number.NaN;
    this.evictions++;
    const wasPrimary = this.cached.deleteIf(h, b);
    if (this.dupCount === 0) return; // the common case: no other block holds h
    const dups = this.duplicates.get(h);
    if (!dups) return;
    if (wasPrimary) {
      const first = dups.values().next().value as number;
      dups.delete(first);
      this.cached.set(h, first);
    } else {
      dups.delete(b);
    }
    this.dupCount--;
    if (dups.size === 0) this.duplicates.delete(h);
  }

  private pushTail(b: number): void {
    this.prev[b] = this.tail;
    this.next[b] = NONE;
    if (this.tail === NONE) this.head = b;
    else this.next[this.tail] = b;
    this.tail = b;
    this.inQueue[b] = 1;
    this.freeCount++;
  }

  private unlink(b: number): void {
    const p = this.prev[b]!;
    const n = this.next[b]!;
    if (p === NONE) this.head = n;
    else this.next[p] = n;
    if (n === NONE) this.tail = p;
    else this.prev[n] = p;
    this.prev[b] = NONE;
    this.next[b] = NONE;
    this.inQueue[b] = 0;
    this.freeCount--;
  }
}
