/**
 * The prefix cache's two sides for the engine model: the lookup at admission (vLLM
 * `get_computed_blocks`: the leading full blocks of a prompt already in the pool, the last prompt
 * token always recomputed) and the registration of computed full blocks after a step. Block hashes
 * are memoised per program across its calls (comparing tokens is cheaper than hashing them).
 * @module
 */
import type { BlockPool } from "./block-pool.js";
import type { RequestState } from "./request-state.js";

/** What a prefix lookup found. `hits` is scratch space, valid until the next lookup. */
export interface PrefixHits {
  /** The cached blocks of the prompt's leading full blocks, in order. */
  hits: number[];
  /** How many of them are free (refcount 0): taking them uses free-pool room. */
  evictable: number;
}

export class PrefixCache {
  private readonly hitScratch: number[] = [];
  /** Per program, the last prompt hashed and its block hashes (hash memo across steps). */
  private readonly hashMemo = new Map<string, { tokens: Uint32Array; hashes: number[] }>();

  constructor(
    private readonly pool: BlockPool,
    private readonly bs: number,
  ) {}

  /** Hashes the request's prompt as far as a hit can reach and looks its blocks up in the pool. */
  lookup(s: RequestState): PrefixHits {
    const bs = this.bs;
    const maxHitBlocks = Math.floor((s.numTokens - 1) / bs);
    const pid = s.req.programId;
    if (pid !== undefined && s.hashes.length === 0) {
      const memo = this.hashMemo.get(pid);
      if (memo) s.seedHashes(memo.tokens, memo.hashes, bs);
      s.ensureHashes(maxHitBlocks * bs, bs);
      // A copy of the hashed prefix: the memo stays right even if the caller reuses its buffer.
      const hashed = Math.min(s.hashes.length * bs, s.promptLen);
      this.hashMemo.set(pid, { tokens: s.req.promptTokens.slice(0, hashed), hashes: s.hashes });
    } else {
      s.ensureHashes(maxHitBlocks * bs, bs);
    }
    const hits = this.hitScratch;
    hits.length = 0;
    let evictable = 0;
    for (let k = 0; k < maxHitBlocks; k++) {
      const b = this.pool.lookup(s.hashes[k]!);
      if (b < 0) break;
      hits.push(b);
      if (this.pool.refCount(b) === 0) evictable++;
    }
    return { hits, evictable };
  }

  /** Registers the request's newly computed full blocks in the prefix cache. */
  cacheComputed(s: RequestState): void {
    const full = Math.floor(s.numComputed / this.bs);
    if (full <= s.numCachedBlocks) return;
    s.ensureHashes(full * this.bs, this.bs);
    for (let k = s.numCachedBlocks; k < full; k++) this.pool.cacheBlock(s.blocks[k]!, s.hashes[k]!);
    s.numCachedBlocks = full;
  }
}
