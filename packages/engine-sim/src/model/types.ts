/**
 * The engine model's public request and event shapes (docs/boundaries.md, `@thunderagent/engine-sim`).
 * @module
 */

export interface EngineRequest {
  id: string;
  /** Token ids; prefix-stable across a program's steps. Not to be mutated while in the engine. */
  promptTokens: Uint32Array;
  /** finish_reason "length" when reached. */
  maxTokens: number;
  /** Tokens the scripted model will emit before "stop" (≤ maxTokens → stop, else length). */
  outputTokens: number;
  /** Continuum pins by program; ignored otherwise. */
  programId?: string;
  /** Continuum's per-tool running mean: the tool this request's reply will call. */
  toolKey?: string;
  isLastStep?: boolean;
  /**
   * Optional (an addition to the boundary): the ids of the tokens the reply will consist of, so that
   * blocks filled during decode are cached under the hashes the next prompt will look up. Without
   * it generated tokens get ids unique to the request (their blocks never hit), which is what
   * happens when the chat template re-renders the reply differently (e.g. GLM dropping thinking).
   */
  outputTokenIds?: Uint32Array;
}

export type FinishReason = "stop" | "length" | "abort";

export type EngineEvent =
  | { type: "scheduled"; id: string; cachedTokens: number }
  | { type: "first_token"; id: string }
  | { type: "token"; id: string; count: number }
  | {
      type: "finished";
      id: string;
      reason: FinishReason;
      promptTokens: number;
      completionTokens: number;
      cachedTokens: number;
    }
  | { type: "preempted"; id: string };

/** vLLM's counters and gauges (the values behind `/metrics`). */
export interface EngineCounters {
  running: number;
  waiting: number;
  /** 1 − free/(blocks − 1); evictable cached blocks count as free. */
  kvCacheUsage: number;
  /**
   * Tokens looked up in the prefix cache by requests never preempted (every lookup, as vLLM
   * records them; `vllm:prefix_cache_queries`).
   */
  prefixCacheQueries: number;
  /** Tokens found by those lookups (`vllm:prefix_cache_hits`). */
  prefixCacheHits: number;
  /**
   * Lookups of requests re-admitted after a preemption, counted apart as vLLM ≥ 0.11 does
   * (`preempted_queries` / `preempted_hits`, not exported to `/metrics`).
   */
  prefixCachePreemptedQueries: number;
  prefixCachePreemptedHits: number;
  /** Prompt tokens of requests that produced their first token. */
  promptTokens: number;
  generationTokens: number;
  preemptions: number;
  requestSuccess: Record<"stop" | "length" | "abort" | "error", number>;
  numGpuBlocks: number;
  blockSize: number;
  /** Blocks in the free queue (free + evictable cached). */
  freeBlocks: number;
  /** Cached blocks evicted so far. */
  evictions: number;
  /** Continuum: finished requests whose KV is pinned right now (0 without continuum). */
  pinnedRequests: number;
  /** Engine steps run. */
  steps: number;
}
