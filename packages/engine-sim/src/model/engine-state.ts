/**
 * The engine model's state: the waiting and running queues, the block pool with its prefix cache,
 * the step-time accumulator and vLLM's counters; and the transitions of one request between them
 * (admission with its prefix lookup, preemption, finish, Continuum's pins). `EngineModel`
 * (engine-model.ts) adds the public API and the scheduler step on top. Pure: no clock, no I/O.
 * @module
 */
import { BlockPool } from "./block-pool.js";
import type { EngineConfig } from "./config.js";
import { validateEngineConfig } from "./config.js";
import { ContinuumState } from "./continuum.js";
import type { Pin } from "./continuum.js";
import { PrefixCache } from "./prefix-cache.js";
import type { RequestState } from "./request-state.js";
import { StepCost } from "./step-time.js";
import type { EngineCounters, EngineEvent, FinishReason } from "./types.js";

export abstract class EngineState {
  readonly config: EngineConfig;
  /** KV capacity in tokens: num_gpu_blocks × block_size (what `/metrics` lets a router compute). */
  readonly capacityTokens: number;
  protected readonly pool: BlockPool;
  protected readonly bs: number;
  protected waiting: RequestState[] = [];
  protected running: RequestState[] = [];
  protected readonly byId = new Map<string, RequestState>();
  protected pending: EngineEvent[] = [];
  protected seq = 0;
  protected readonly cost: StepCost;
  protected readonly continuum: ContinuumState | null;
  protected readonly c = {
    queries: 0,
    hits: 0,
    preemptedQueries: 0,
    preemptedHits: 0,
    promptTokens: 0,
    generationTokens: 0,
    preemptions: 0,
    steps: 0,
    success: { stop: 0, length: 0, abort: 0, error: 0 },
  };
  protected readonly prefix: PrefixCache;

  constructor(config: EngineConfig) {
    validateEngineConfig(config);
    this.config = config;
    this.bs = config.blockSize;
    this.capacityTokens = config.numGpuBlocks * config.blockSize;
    this.pool = new BlockPool(config.numGpuBlocks);
    this.prefix = new PrefixCache(this.pool, this.bs);
    this.cost = new StepCost(config.timing);
    this.continuum = config.continuum ? new ContinuumState(config.continuum) : null;
  }

  /** vLLM's counters and gauges right now. */
  snapshot(): EngineCounters {
    return {
      running: this.running.length,
      waiting: this.waiting.length,
      kvCacheUsage: this.pool.usage(),
      prefixCacheQueries: this.c.queries,
      prefixCacheHits: this.c.hits,
      prefixCachePreemptedQueries: this.c.preemptedQueries,
      prefixCachePreemptedHits: this.c.preemptedHits,
      promptTokens: this.c.promptTokens,
      generationTokens: this.c.generationTokens,
      preemptions: this.c.preemptions,
      requestSuccess: { ...this.c.success },
      numGpuBlocks: this.config.numGpuBlocks,
      blockSize: this.bs,
      freeBlocks: this.pool.numFree,
      evictions: this.pool.evictions,
      pinnedRequests: this.continuum?.pins.length ?? 0,
      steps: this.c.steps,
    };
  }

  /** The block table of a request in the engine (tests, debugging). */
  blocksOf(id: string): readonly number[] | undefined {
    return this.byId.get(id)?.blocks;
  }

  /** The free-block queue, head (evicted next) first; O(pool), for tests. */
  freeQueue(): number[] {
    return this.pool.freeQueue();
  }

  /** Whether a block currently holds a prefix-cache hash (tests). */
  isCached(block: number): boolean {
    return this.pool.hashOfBlock(block) !== null;
  }

  /** The prefix-cache hash a block holds, or null (tests). */
  blockHash(block: number): number | null {
    return this.pool.hashOfBlock(block);
  }

  /** Ids of the running requests in scheduling order (tests, debugging). */
  runningIds(): string[] {
    return this.running.map((s) => s.id);
  }

  /** Ids of the waiting requests in queue order (tests, debugging). */
  waitingIds(): string[] {
    return this.waiting.map((s) => s.id);
  }

  // ---- internals ----

  protected tryAllocate(s: RequestState, n: number): boolean {
    const need = Math.ceil((s.numComputed + n) / this.bs) - s.blocks.length;
    if (need <= 0) return true;
    if (need > this.pool.numFree) return false;
    this.pool.allocate(need, s.blocks);
    return true;
  }

  /**
   * Prefix lookup + first-chunk allocation for a waiting request (vLLM `get_computed_blocks` +
   * `allocate_slots`). Returns the tokens scheduled, or 0 when it does not fit (nothing changes
   * then, but the lookup is counted, as the vLLM releases of the paper's time count every lookup:
   * in the exported counters for a request never preempted, apart for one that was).
   */
  protected admit(s: RequestState, budget: number, events: EngineEvent[]): number {
    const bs = this.bs;
    const numTokens = s.numTokens;
    const { hits, evictable: evictableHits } = this.prefix.lookup(s);
    const hitTokens = hits.length * bs;
    // vLLM ≥ 0.11 (`PrefixCacheStats.record`, vllm-project/vllm#25787): the lookup of a request
    // that was preempted before goes to separate counters that `/metrics` does not export, so a
    // victim re-hitting its own blocks does not count as a prefix hit.
    // Continuum's fork is built on a vLLM before that change (its PrefixCacheStats has no
    // preempted fields and get_computed_blocks counts every lookup), so with Continuum the
    // exported counters keep them.
    if (s.preemptions > 0 && !this.continuum) {
      this.c.preemptedQueries += numTokens;
      this.c.preemptedHits += hitTokens;
    } else {
      this.c.queries += numTokens;
      this.c.hits += hitTokens;
    }
    const n = Math.min(numTokens - hitTokens, budget);
    const needNew = Math.ceil((hitTokens + n) / bs) - hits.length;
    if (needNew + evictableHits > this.pool.numFree) return 0;
    this.pool.touch(hits);
    s.blocks = hits.slice();
    s.numCachedBlocks = hits.length;
    s.numComputed = hitTokens;
    this.pool.allocate(needNew, s.blocks);
    s.status = "running";
    if (s.cachedTokens < 0) {
      s.cachedTokens = hitTokens;
      events.push({ type: "scheduled", id: s.id, cachedTokens: hitTokens });
    }
    return n;
  }

  protected preempt(s: RequestState, events: EngineEvent[]): void {
    this.pool.freeReversed(s.blocks);
    s.blocks = [];
    s.numCachedBlocks = 0;
    s.numComputed = 0;
    s.status = "waiting";
    s.preemptions++;
    this.c.preemptions++;
    this.waiting.unshift(s);
    if (this.continuum && s.req.programId !== undefined) this.continuum.onRequeue(s.req.programId);
    events.push({ type: "preempted", id: s.id });
  }

  protected finish(
    s: RequestState,
    reason: FinishReason,
    end: number,
    events: EngineEvent[],
  ): void {
    s.status = "finished";
    this.byId.delete(s.id);
    this.c.success[reason]++;
    events.push(this.finishedEvent(s, reason));
    const cont = this.continuum;
    if (cont && s.req.programId !== undefined) {
      const { release, ttl } = cont.onFinish(s, end);
      for (const pin of release) this.releasePin(pin);
      if (ttl > 0) {
        s.status = "pinned";
        cont.pin(s, s.req.programId, end + ttl);
        return;
      }
    }
    this.pool.freeReversed(s.blocks);
    s.blocks = [];
  }

  protected finishedEvent(s: RequestState, reason: FinishReason): EngineEvent {
    return {
      type: "finished",
      id: s.id,
      reason,
      promptTokens: s.promptLen,
      completionTokens: s.numOutput,
      cachedTokens: Math.max(0, s.cachedTokens),
    };
  }

  protected releasePin(pin: Pin): void {
    this.pool.freeReversed(pin.state.blocks);
    pin.state.blocks = [];
    pin.state.status = "finished";
  }

  protected leaveWaiting(s: RequestState): void {
    if (this.continuum && s.req.programId !== undefined) {
      this.continuum.onLeaveWaiting(s.req.programId);
    }
  }
}
