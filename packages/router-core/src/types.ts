/**
 * The public types of the router core: options, the inputs the caller passes in and the decisions
 * it gets back (docs/boundaries.md). Times are seconds as a float, passed in by the caller.
 * @module
 */
import type { StepProfileRow } from "@thunderagent/protocol";

export type RouterMode = "default" | "tr";

/**
 * When a backend's prefix-sharing credit (reasoning tokens − kv_cache_usage_perc × capacity) is
 * subtracted from its used tokens: "always", "unless-queued" (not while the engine reports waiting
 * requests), or "never". The Python original defines the credit but never refreshes it
 * (`update_shared_tokens` has no caller), so it is always 0 there: "never".
 */
export type SharedCredit = "always" | "unless-queued" | "never";
export const SHARED_CREDIT_MODES: readonly SharedCredit[] = ["always", "unless-queued", "never"];

/**
 * How many reasoning programs a backend still over capacity after pausing every acting one marks:
 * "until-fits" stops once the marked tokens bring it under capacity; "all" marks every reasoning
 * program on it, as the original does (its loop re-checks a remaining capacity that marks do not
 * change).
 */
export type MarkReasoning = "until-fits" | "all";
export const MARK_REASONING_MODES: readonly MarkReasoning[] = ["until-fits", "all"];

export interface RouterOptions {
  /** `--router`: "tr" schedules by capacity, "default" is a pure proxy (least programs). */
  mode: RouterMode;
  /** `--acting-token-weight` w: acting tokens count w times in a backend's used tokens. */
  actingTokenWeight: number;
  /** `--use-acting-token-decay`: w·2^(−t) (t = seconds acting) when restoring only. */
  useActingTokenDecay: boolean;
  /**
   * Tokens reserved per registered program for decode headroom. Default 600 (one step of growth
   * plus the reply's transient KV in mini-SWE-agent-like loops); the original's 100 is in
   * {@link ORIGINAL_THUNDERAGENT_OPTIONS}.
   */
  bufferPerProgram: number;
  /** A pending request of a paused program is forced through after this many seconds. */
  forceResumeAfterS: number;
  /** A program with no request in flight or waiting, idle this long, is reclaimed. */
  abandonAfterS: number;
  /** Chars per token before the first response calibrates it. */
  initialCharsPerToken: number;
  /** Streaming: every Nth chunk adds N tokens to the program. */
  streamUpdateEveryChunks: number;
  /** `--profile`: complete() returns a StepProfileRow and views carry profiles. */
  profile: boolean;
  /** When the prefix-sharing credit applies ({@link SharedCredit}). */
  sharedCredit: SharedCredit;
  /** How far a backend over capacity marks reasoning programs ({@link MarkReasoning}). */
  markReasoning: MarkReasoning;
}

export const DEFAULT_ROUTER_OPTIONS: Readonly<RouterOptions> = Object.freeze({
  mode: "tr",
  actingTokenWeight: 1.0,
  useActingTokenDecay: false,
  // The two policy changes kept in docs/results/scheduling.md ("Improvements tried"): the
  // original ThunderAgent uses 100 and true (ORIGINAL_THUNDERAGENT_OPTIONS).
  bufferPerProgram: 600,
  forceResumeAfterS: 1800,
  abandonAfterS: 1800,
  initialCharsPerToken: 5.0,
  streamUpdateEveryChunks: 20,
  profile: false,
  sharedCredit: "unless-queued",
  markReasoning: "until-fits",
});

/**
 * The original ThunderAgent's policy (Python `BUFFER_PER_PROGRAM = 100`, sharing credit also
 * while the engine queues): {@link DEFAULT_ROUTER_OPTIONS} with those two settings put back.
 */
export const ORIGINAL_THUNDERAGENT_OPTIONS: Readonly<RouterOptions> = Object.freeze({
  ...DEFAULT_ROUTER_OPTIONS,
  bufferPerProgram: 100,
  sharedCredit: "never",
  markReasoning: "all",
});

/** What one metrics scrape of a backend yields (the parsers return this). */
export interface BackendSnapshot {
  /** kv_cache_size_tokens, else block_size × num_gpu_blocks; SGLang max_total_num_tokens. */
  capacityTokens: number | null;
  blockSize: number | null;
  numGpuBlocks: number | null;
  /** 0..1; evictable cached blocks count as free. */
  kvCacheUsage: number;
  numRequestsRunning: number;
  numRequestsWaiting: number;
  /** Cumulative, tokens. */
  prefixCacheQueries: number;
  /** Cumulative, tokens. */
  prefixCacheHits: number;
  promptTokens: number;
  generationTokens: number;
  numPreemptions: number;
  /** Sum of request_success over finished reasons. */
  requestsCompleted: number;
}

export interface ArriveInput {
  requestId: string;
  programId: string;
  /** Characters of the request payload (JSON), for the token estimate. */
  payloadChars: number;
  /** Tool resources (sandboxes) of the program, returned on release or reclaim. */
  dockerIds?: readonly string[];
}

export type ArriveDecision = { kind: "forward"; backend: string } | { kind: "wait" };

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cachedTokens: number | null;
}

export interface ResumedRequest {
  requestId: string;
  programId: string;
  backend: string;
  /** True when the request was forced through after forceResumeAfterS (capacity ignored). */
  forced: boolean;
}

export interface TickResult {
  /** Pending requests the caller must now forward. */
  resumed: ResumedRequest[];
  /** Program ids paused this tick. */
  paused: string[];
  /** Reasoning programs marked for pause (they pause when their request ends). */
  marked: string[];
  /** from ≠ backend (and from ≠ null): migration. */
  restored: Array<{ programId: string; backend: string; from: string | null }>;
  /** Abandoned programs, with the tool resources the caller must free. */
  reclaimed: Array<{ programId: string; dockerIds: string[] }>;
}

export interface ReleaseResult {
  released: boolean;
  dockerIds: string[];
  /** Pending requests of the released program: the caller forwards them (or fails them). */
  resumed: ResumedRequest[];
}

export type { StepProfileRow };
