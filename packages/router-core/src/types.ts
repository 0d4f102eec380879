/**
 * The public types of the router core: options, the inputs the caller passes in and the decisions
 * it gets back (docs/boundaries.md). Times are seconds as a float, passed in by the caller.
 * @module
 */
import type { RouterMode, StepProfileRow } from "@thunderagent/protocol";
import type { RestoreNeed, TokenEstimate } from "./policy/program-estimate.js";
import type { ResumePlacement } from "./policy/resume-placement.js";

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

export interface RouterOptions {
  /** `--router`: "tr" schedules by capacity, "default" is a pure proxy (least programs). */
  mode: RouterMode;
  /** `--acting-token-weight` w: acting tokens count w times in a backend's used tokens. */
  actingTokenWeight: number;
  /** `--use-acting-token-decay`: w·x^(−t) (t = seconds acting) when restoring only. */
  useActingTokenDecay: boolean;
  /** x of the decay (the original: 2; the paper's fig. 6b tries 2, 4, 6, 8). */
  actingDecayBase: number;
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
  /** How the caller measures request sizes ({@link PayloadChars}). */
  payloadChars: PayloadChars;
  /** {@link CapacityFrom} */
  capacityFrom: CapacityFrom;
  /** {@link FuturePausedTokens} */
  futurePausedTokens: FuturePausedTokens;
  /** {@link ReleasedRequestsTo} */
  releasedRequestsTo: ReleasedRequestsTo;
  /** {@link ForceResumeTo} */
  forceResumeTo: ForceResumeTo;
  /** {@link RestoreOrder} */
  restoreOrder: RestoreOrder;
  /** {@link ActingDecay} */
  actingDecay: ActingDecay;
  /** {@link PauseTies} */
  pauseTies: PauseTies;
  /** {@link UnknownCapacity} */
  unknownCapacity: UnknownCapacity;

  // Scheduling policy v2 (README "Policy options"). Each is off by default and in the original.

  /** Where restores go: best fit, or the origin first (policy/resume-placement.ts). */
  resumePlacement: ResumePlacement;
  /** "origin-first": move off a full origin after waiting this long (null: never by time). */
  resumeMoveAfterS: number | null;
  /** "origin-first": move at once to a backend with room ≥ this × the need (null: never). */
  resumeMoveHeadroom: number | null;
  /** Programs paused this long go first in the restore order (null: no boost; wait-bound.ts). */
  restoreBoostAfterS: number | null;
  /** Acting programs idle this long stop reserving tokens (null: no lease; acting-lease.ts). */
  actingLeaseS: number | null;
  /** Time constant of the KV-usage EWMA, seconds (null: last sample; kv-signal.ts). */
  kvUsageSmoothingS: number | null;
  /** KV-usage signal at or above which reasoning programs are marked (null: off; kv-signal.ts). */
  kvHighWatermark: number | null;
  /** What the high watermark marks down to (null: the low watermark, else the high one). */
  kvPauseTarget: number | null;
  /** No admissions or restores onto a backend above this KV-usage signal (null: off). */
  kvLowWatermark: number | null;
  /** No admissions or restores onto a backend that queues requests (policy/backend-gate.ts). */
  gateQueuedBackends: boolean;
  /** Whose ratio estimates a request's tokens (policy/program-estimate.ts). */
  tokenEstimate: TokenEstimate;
  /** What room a paused acting program needs (policy/program-estimate.ts). */
  restoreNeed: RestoreNeed;
  /** Pause-order factor per recent pause of a program (0: off; policy/victim-penalty.ts). */
  victimPenalty: number;
  /** Time constant, seconds, over which a program's recent pauses are forgotten. */
  victimMemoryS: number;
}

export const DEFAULT_ROUTER_OPTIONS: Readonly<RouterOptions> = Object.freeze({
  mode: "tr",
  actingTokenWeight: 1.0,
  useActingTokenDecay: false,
  actingDecayBase: 2,
  // The one policy change kept on the corrected simulator (docs/results/scheduling.md, "Policy
  // defaults on the corrected instrument"): 600 tokens of headroom (the original: 100). A
  // sharing credit ("unless-queued") and marks that stop once a backend fits ("until-fits") did
  // not win there, so the defaults keep the original's "never" and "all".
  bufferPerProgram: 600,
  forceResumeAfterS: 1800,
  abandonAfterS: 1800,
  initialCharsPerToken: 5.0,
  streamUpdateEveryChunks: 20,
  profile: false,
  sharedCredit: "never",
  markReasoning: "all",
  payloadChars: "body",
  capacityFrom: "every-scrape",
  futurePausedTokens: "marked-sum",
  releasedRequestsTo: "least-loaded",
  forceResumeTo: "least-loaded",
  restoreOrder: "current",
  actingDecay: "weighted",
  pauseTies: "registration",
  unknownCapacity: "unbounded",
  // Scheduling policy v2: every option off (the current behaviour) until measured. The values of
  // the parameters read only while their option is on (resumeMoveHeadroom: the 1.2× of the
  // evidence; victimMemoryS) are suggestions, not measured choices.
  resumePlacement: "best-fit",
  resumeMoveAfterS: null,
  resumeMoveHeadroom: 1.2,
  restoreBoostAfterS: null,
  actingLeaseS: null,
  kvUsageSmoothingS: null,
  kvHighWatermark: null,
  kvPauseTarget: null,
  kvLowWatermark: null,
  gateQueuedBackends: false,
  tokenEstimate: "global",
  restoreNeed: "tokens",
  victimPenalty: 0,
  victimMemoryS: 600,
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
  payloadChars: "python-json",
  capacityFrom: "first-attempt",
  futurePausedTokens: "original",
  releasedRequestsTo: "first",
  forceResumeTo: "origin",
  restoreOrder: "at-pause",
  actingDecay: "original",
  pauseTies: "creation",
  unknownCapacity: "no-restores",
  // The original has none of the v2 policy options: its behaviour is each one's "off" value.
  resumePlacement: "best-fit",
  restoreBoostAfterS: null,
  actingLeaseS: null,
  kvUsageSmoothingS: null,
  kvHighWatermark: null,
  kvLowWatermark: null,
  gateQueuedBackends: false,
  tokenEstimate: "global",
  restoreNeed: "tokens",
  victimPenalty: 0,
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
