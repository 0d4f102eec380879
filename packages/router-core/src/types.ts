/**
 * The public types of the router core: options, the inputs the caller passes in and the decisions
 * it gets back (docs/boundaries.md). Times are seconds as a float, passed in by the caller.
 * @module
 */
import type { RouterMode, StepProfileRow } from "@thunderagent/protocol";

/** `--router`: declared once, in protocol (`/health` reports it). */
export type { RouterMode };

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

/**
 * What the caller measures a request's size by (`ArriveInput.payloadChars`): the body as the
 * client sent it ("body"), or the length of the body re-serialised the way the Python original
 * does, `len(json.dumps(payload, ensure_ascii=False))` ("python-json", see
 * {@link pythonJsonDumpsLength}). The router itself only receives the number.
 */
export type PayloadChars = "body" | "python-json";

/**
 * Where a backend's KV capacity comes from: every metrics scrape ("every-scrape"), the first
 * scrape that reports one, kept for good ("first-scrape"), or the first scrape attempt only
 * ("first-attempt"): the original reads `cache_config` only at start-up, so a later change of
 * `num_gpu_blocks` never reaches its scheduler, and a backend it could not read then (still
 * booting) keeps no capacity for good. A failed attempt is reported by `Router.scrapeFailed`.
 */
export type CapacityFrom = "every-scrape" | "first-scrape" | "first-attempt";

/**
 * What `future_paused_tokens` shows: the tokens of the programs marked now ("marked-sum"), or the
 * original's running counter ("original"): it adds a program's tokens when marking it and
 * subtracts the program's tokens at the time the mark ends (after the answer updated them),
 * clamped at 0, so it drifts from the marked programs' sum. Display only: neither policy decides
 * by it.
 */
export type FuturePausedTokens = "marked-sum" | "original";

/**
 * Where the waiting requests of a released program go: the backend with the fewest programs
 * ("least-loaded"), or the first backend ("first"), where the original sends them (the program is
 * gone, so it falls back to its default backend).
 */
export type ReleasedRequestsTo = "least-loaded" | "first";

/**
 * Where a paused program whose request waited `forceResumeAfterS` is forced: the backend with the
 * fewest programs ("least-loaded"), or, as the original does, back to the backend it was paused
 * from when it has one ("origin"; a new program goes to the least-loaded one).
 */
export type ForceResumeTo = "least-loaded" | "origin";

/**
 * What orders the paused programs inside a restore priority group: their current tokens, smallest
 * first ("current"); the tokens they had when paused ("at-pause"), as the original's waiting
 * queue keeps a copy of them that a paused program's new request does not update; or the engine
 * time they attained so far, least first ("least-service", policy/attained-service.ts). The room
 * check uses the current tokens in every case.
 */
export type RestoreOrder = "current" | "at-pause" | "least-service";

/**
 * How an acting program weighs while restoring with `useActingTokenDecay`: w·x^(−t) of its tokens
 * ("weighted"), or as the original does, x^(−t) of its tokens without the weight w, with
 * reasoning + Σ decayed acting floored to an integer ("original").
 */
export type ActingDecay = "weighted" | "original";

/**
 * Which of two equally sized acting programs a backend over capacity pauses first: the one
 * registered on the backend first ("registration"), or the one created first ("creation"), as the
 * original does (it scans all programs in creation order).
 */
export type PauseTies = "registration" | "creation";

/**
 * A backend whose capacity is unknown: unbounded room for admission and restores ("unbounded"),
 * or, as the original does, unbounded room for admission but no room for restores
 * ("no-restores": its restore pass skips a backend without a cache config).
 */
export type UnknownCapacity = "unbounded" | "no-restores";

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
