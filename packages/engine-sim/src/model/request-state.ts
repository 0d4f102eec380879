/**
 * The engine's per-request state (vLLM's `Request`): tokens known so far (prompt + generated),
 * tokens computed, the block table and the memoised chain of block hashes.
 * @module
 */
import { ROOT_HASH, hashBlock, hashBlockOf } from "./block-hash.js";
import type { EngineRequest, FinishReason } from "./types.js";

export type RequestStatus = "waiting" | "running" | "pinned" | "finished";

export class RequestState {
  readonly id: string;
  readonly promptLen: number;
  /** Tokens the request will emit in all. */
  readonly target: number;
  readonly targetReason: Exclude<FinishReason, "abort">;
  numOutput = 0;
  numComputed = 0;
  /** Tokens scheduled in the current step (0 outside a step). */
  stepTokens = 0;
  blocks: number[] = [];
  /** Leading blocks of `blocks` already registered in the prefix cache. */
  numCachedBlocks = 0;
  /** Chained hashes of the full blocks known so far (memoised across preemptions). */
  readonly hashes: number[] = [];
  /** Prefix hit in tokens at first admission; −1 before. */
  cachedTokens = -1;
  status: RequestStatus = "waiting";
  firstTokenSent = false;
  preemptions = 0;
  /** Continuum: the program's first-arrival time, for program-level FCFS. */
  programArrival = 0;

  constructor(
    readonly req: EngineRequest,
    /** Admission order, unique per model (the FCFS key and the synthetic-output-id seed). */
    readonly seq: number,
    readonly arrival: number,
    maxModelLen: number,
  ) {
    this.id = req.id;
    this.promptLen = req.promptTokens.length;
    const want = Math.max(1, Math.floor(req.outputTokens));
    const cap = Math.max(1, Math.floor(req.maxTokens));
    const room = Math.max(1, maxModelLen - this.promptLen);
    if (want <= cap && want <= room) {
      this.target = want;
      this.targetReason = "stop";
    } else {
      this.target = Math.min(cap, room);
      this.targetReason = "length";
    }
  }

  /** Tokens known: prompt + generated (vLLM `num_tokens`). */
  get numTokens(): number {
    return this.promptLen + this.numOutput;
  }

  /** Token id at position i (prompt, then the reply's ids or synthetic ids unique to the request). */
  tokenAt = (i: number): number => {
    if (i < this.promptLen) return this.req.promptTokens[i]!;
    const o = i - this.promptLen;
    const ids = this.req.outputTokenIds;
    if (ids && o < ids.length) return ids[o]!;
    // Unique per request: above any vocabulary, mixed with the admission sequence number.
    return (0x80000000 | (Math.imul(this.seq + 1, 0x9e3779b1) ^ o)) >>> 0;
  };

  /**
   * Seeds `hashes` from an earlier prompt of the same program: the leading full blocks whose
   * tokens are identical keep their hashes (comparing is ~5× cheaper than hashing).
   */
  seedHashes(prev: Uint32Array, prevHashes: readonly number[], blockSize: number): void {
    if (this.hashes.length > 0) return;
    const cur = this.req.promptTokens;
    const maxBlocks = Math.min(
      prevHashes.length,
      Math.floor(Math.min(prev.length, cur.length) / blockSize),
    );
    let same = 0;
    const limit = maxBlocks * blockSize;
    while (same < limit && prev[same] === cur[same]) same++;
    const blocks = Math.floor(same / blockSize);
    for (let k = 0; k < blocks; k++) this.hashes.push(prevHashes[k]!);
  }

  /** Extends `hashes` to every full block within the first `tokens` known tokens. */
  ensureHashes(tokens: number, blockSize: number): void {
    const full = Math.floor(Math.min(tokens, this.numTokens) / blockSize);
    const h = this.hashes;
    const prompt = this.req.promptTokens;
    for (let k = h.length; k < full; k++) {
      const parent = k === 0 ? ROOT_HASH : h[k - 1]!;
      const start = k * blockSize;
      h.push(
        start + blockSize <= this.promptLen
          ? hashBlockOf(parent, prompt, start, blockSize)
          : hashBlock(parent, this.tokenAt, start, blockSize),
      );
    }
  }
}
