/**
 * The engine model: vLLM V1's scheduler over the block pool, in virtual time. No clock, no I/O:
 * the caller passes `now` and advances it by each step's `durationS`.
 *
 * One `step(now)` is one `schedule()` + forward pass + `update_from_output()`:
 * 1. RUNNING requests in list order each get `min(remaining, token budget)` tokens (a decode is one
 *    token, a chunked prefill continues). When a block cannot be allocated, the most recently
 *    admitted running request is preempted (recompute: blocks freed tail first, back to the head of
 *    the waiting queue), until it fits or the request preempted itself.
 * 2. Only if nothing was preempted, WAITING requests first-come-first-served: prefix lookup over
 *    full blocks (the last prompt token is always recomputed), then blocks for the first chunk;
 *    the first request that does not fit stops admission. Budgets: max_num_batched_tokens,
 *    max_num_seqs. No reservation for future decode growth.
 * 3. The step's duration comes from the step-time model; computed full blocks enter the prefix
 *    cache; requests whose known tokens are all computed emit one token.
 * @module
 */
import { BlockPool } from "./block-pool.js";
import type { EngineConfig } from "./config.js";
import { validateEngineConfig } from "./config.js";
import { ContinuumState, continuumPick, continuumVictim } from "./continuum.js";
import type { Pin } from "./continuum.js";
import { RequestState } from "./request-state.js";
import { StepCost } from "./step-time.js";
import type { EngineCounters, EngineEvent, EngineRequest, FinishReason } from "./types.js";

export interface StepResult {
  durationS: number;
  events: EngineEvent[];
}

export class EngineModel {
  readonly config: EngineConfig;
  /** KV capacity in tokens: num_gpu_blocks × block_size (what `/metrics` lets a router compute). */
  readonly capacityTokens: number;
  private readonly pool: BlockPool;
  private readonly bs: number;
  private waiting: RequestState[] = [];
  private running: RequestState[] = [];
  private readonly byId = new Map<string, RequestState>();
  private pending: EngineEvent[] = [];
  private seq = 0;
  private readonly cost: StepCost;
  private readonly continuum: ContinuumState | null;
  private readonly c = {
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
  private readonly hitScratch: number[] = [];
  /** Per program, the last prompt hashed and its block hashes (hash memo across steps). */
  private readonly hashMemo = new Map<string, { tokens: Uint32Array; hashes: number[] }>();

  constructor(config: EngineConfig) {
    validateEngineConfig(config);
    this.config = config;
    this.bs = config.blockSize;
    this.capacityTokens = config.numGpuBlocks * config.blockSize;
    this.pool = new BlockPool(config.numGpuBlocks);
    this.cost = new StepCost(config.timing);
    this.continuum = config.continuum ? new ContinuumState(config.continuum) : null;
  }

  /** Queues a request (vLLM `add_request`). Throws a RangeError for a prompt that can never run. */
  addRequest(req: EngineRequest, now: number): void {
    if (this.byId.has(req.id)) throw new Error(`request ${req.id} is already in the engine`);
    const p = req.promptTokens.length;
    if (p === 0) throw new RangeError(`request ${req.id}: empty prompt`);
    if (p >= this.config.maxModelLen) {
      throw new RangeError(
        `request ${req.id}: prompt of ${p} tokens ≥ max_model_len ${this.config.maxModelLen}`,
      );
    }
    if (Math.ceil((p + 1) / this.bs) > this.config.numGpuBlocks - 1) {
      throw new RangeError(`request ${req.id}: prompt of ${p} tokens exceeds the KV cache`);
    }
    // A request can never outgrow the pool (vLLM guarantees this by max_model_len ≤ KV capacity).
    const maxLen = Math.min(this.config.maxModelLen, (this.config.numGpuBlocks - 1) * this.bs);
    const s = new RequestState(req, this.seq++, now, maxLen);
    if (this.continuum && req.programId !== undefined) {
      s.programArrival = this.continuum.onArrive(req.programId, now);
    }
    this.byId.set(req.id, s);
    this.waiting.push(s);
  }

  /** Aborts a waiting or running request: its blocks are freed, `finished` (abort) is emitted next step. */
  abort(id: string, _now: number): void {
    const s = this.byId.get(id);
    if (!s) return;
    if (s.status === "waiting") {
      this.waiting.splice(this.waiting.indexOf(s), 1);
      this.leaveWaiting(s);
    } else if (s.status === "running") {
      this.running.splice(this.running.indexOf(s), 1);
    }
    this.pool.freeReversed(s.blocks);
    s.blocks = [];
    s.status = "finished";
    this.byId.delete(id);
    this.c.success.abort++;
    this.pending.push(this.finishedEvent(s, "abort"));
  }

  hasWork(): boolean {
    return this.waiting.length > 0 || this.running.length > 0 || this.pending.length > 0;
  }

  /** Whether a request is still in the engine (waiting or running). */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Runs one scheduler step starting at `now`; the step's outputs exist at now + durationS. */
  step(now: number): StepResult {
    const events = this.pending;
    this.pending = [];
    this.c.steps++;
    const cont = this.continuum;
    if (cont) for (const pin of cont.takeExpired(now)) this.releasePin(pin);

    const scheduled: RequestState[] = [];
    let budget = this.config.maxNumBatchedTokens;
    let preempted = false;

    // 1. RUNNING requests.
    let i = 0;
    while (i < this.running.length && budget > 0) {
      const s = this.running[i]!;
      let n = Math.min(s.numTokens - s.numComputed, budget);
      n = Math.min(n, this.config.maxModelLen - 1 - s.numComputed);
      if (n <= 0) {
        i++;
        continue;
      }
      let selfPreempted = false;
      while (!this.tryAllocate(s, n)) {
        if (cont && this.running.length <= 1) {
          const pin = cont.takeLatest();
          if (pin) {
            this.releasePin(pin);
            continue;
          }
        }
        const vi = cont ? continuumVictim(this.running) : this.running.length - 1;
        const victim = this.running[vi]!;
        this.running.splice(vi, 1);
        if (victim.stepTokens > 0) {
          // Continuum's victim can be a request already scheduled in this step: the fork drops its
          // scheduled tokens but does not give them back to the token budget.
          if (!cont) budget += victim.stepTokens;
          victim.stepTokens = 0;
          scheduled.splice(scheduled.indexOf(victim), 1);
        }
        // Nor does it move its running-queue index back when the victim sat before it, so the
        // request after the current one is skipped for this step (vanilla's victim is the last).
        if (vi < i && !cont) i--;
        this.preempt(victim, events);
        preempted = true;
        if (victim === s) {
          selfPreempted = true;
          break;
        }
      }
      if (selfPreempted) break;
      s.stepTokens = n;
      scheduled.push(s);
      budget -= n;
      i++;
    }

    // 2. WAITING requests, only if nothing was preempted this step.
    if (!preempted) {
      while (
        this.waiting.length > 0 &&
        budget > 0 &&
        this.running.length < this.config.maxNumSeqs
      ) {
        const wi = cont ? continuumPick(cont, this.waiting) : 0;
        const s = this.waiting[wi]!;
        const n = this.admit(s, budget, events);
        if (n === 0) {
          // Continuum, nothing running: the fork frees one pin (the latest end time) and ends this
          // schedule(); the step is empty, so the engine schedules again at once, re-picking the
          // queue head (the freed pin may have been what put that request first).
          const pin = cont && this.running.length === 0 ? cont.takeLatest() : null;
          if (!pin) break;
          this.releasePin(pin);
          continue;
        }
        this.waiting.splice(wi, 1);
        this.leaveWaiting(s);
        this.running.push(s);
        s.stepTokens = n;
        scheduled.push(s);
        budget -= n;
      }
    }

    // 3. The forward pass and its outputs.
    this.cost.reset();
    for (const s of scheduled) {
      const n = s.stepTokens;
      if (n === 1 && s.numOutput > 0 && s.numComputed === s.numTokens - 1) {
        this.cost.addDecode(s.numTokens);
      } else {
        this.cost.addPrefill(s.numComputed, n);
      }
    }
    const durationS = this.cost.seconds();
    const end = now + durationS;
    let finishedAny = false;
    for (const s of scheduled) {
      s.numComputed += s.stepTokens;
      s.stepTokens = 0;
      this.cacheComputedBlocks(s);
      if (s.numComputed < s.numTokens) continue;
      s.numOutput++;
      this.c.generationTokens++;
      if (!s.firstTokenSent) {
        s.firstTokenSent = true;
        this.c.promptTokens += s.promptLen;
        events.push({ type: "first_token", id: s.id });
      }
      events.push({ type: "token", id: s.id, count: 1 });
      if (s.numOutput >= s.target) {
        this.finish(s, s.targetReason, end, events);
        finishedAny = true;
      }
    }
    if (finishedAny) this.running = this.running.filter((s) => s.status === "running");
    return { durationS, events };
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

  private tryAllocate(s: RequestState, n: number): boolean {
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
  private admit(s: RequestState, budget: number, events: EngineEvent[]): number {
    const bs = this.bs;
    const numTokens = s.numTokens;
    const maxHitBlocks = Math.floor((numTokens - 1) / bs);
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
    let evictableHits = 0;
    for (let k = 0; k < maxHitBlocks; k++) {
      const b = this.pool.lookup(s.hashes[k]!);
      if (b < 0) break;
      hits.push(b);
      if (this.pool.refCount(b) === 0) evictableHits++;
    }
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

  private cacheComputedBlocks(s: RequestState): void {
    const full = Math.floor(s.numComputed / this.bs);
    if (full <= s.numCachedBlocks) return;
    s.ensureHashes(full * this.bs, this.bs);
    for (let k = s.numCachedBlocks; k < full; k++) this.pool.cacheBlock(s.blocks[k]!, s.hashes[k]!);
    s.numCachedBlocks = full;
  }

  private preempt(s: RequestState, events: EngineEvent[]): void {
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

  private finish(s: RequestState, reason: FinishReason, end: number, events: EngineEvent[]): void {
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

  private finishedEvent(s: RequestState, reason: FinishReason): EngineEvent {
    return {
      type: "finished",
      id: s.id,
      reason,
      promptTokens: s.promptLen,
      completionTokens: s.numOutput,
      cachedTokens: Math.max(0, s.cachedTokens),
    };
  }

  private releasePin(pin: Pin): void {
    this.pool.freeReversed(pin.state.blocks);
    pin.state.blocks = [];
    pin.state.status = "finished";
  }

  private leaveWaiting(s: RequestState): void {
    if (this.continuum && s.req.programId !== undefined) {
      this.continuum.onLeaveWaiting(s.req.programId);
    }
  }
}
