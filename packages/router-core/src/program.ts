/**
 * One program (an agent trajectory) as the router tracks it, and one request of it.
 *
 * Invariants the router keeps: `status` is "reasoning" exactly while the program has a request in
 * flight or waiting (`inFlight + pending.size > 0`); `backend` is set only while `state` is
 * "active"; `originBackend` only while "paused" (null for a new program that never ran).
 * @module
 */
import type { ProgramState, ProgramStatus } from "@thunderagent/protocol";
import type { BackendLinks } from "./backend-programs.js";
import type { QueueLinks } from "./program-queue.js";
import type { ProfileAccumulator } from "./step-profile.js";

/**
 * What a backend currently counts for a program (so detaching subtracts exactly that). One object
 * per program, reused across attach/detach (no garbage when thousands move in a tick).
 */
export interface ProgramAccount {
  attached: boolean;
  tokens: number;
  acting: boolean;
  marked: boolean;
  /** Its acting lease expired: its buffer does not count either. */
  idle: boolean;
}

export interface Program extends QueueLinks, BackendLinks {
  readonly id: string;
  /** Creation order among the router's programs (PauseTies "creation"). */
  readonly seq: number;
  status: ProgramStatus;
  state: ProgramState;
  /** The backend it is registered on (active only). */
  backend: string | null;
  /** The backend it was paused from (paused only; null for a new program). */
  originBackend: string | null;
  totalTokens: number;
  /** Characters of its latest request payload (`context_len`). */
  contextChars: number;
  /** Requests arrived so far (the original's step_count). */
  stepCount: number;
  markedForPause: boolean;
  actingSince: number | null;
  /** Requests forwarded (or told to be forwarded) and not yet complete/failed. */
  inFlight: number;
  /** Request ids waiting for this program to be restored. */
  readonly pending: Set<string>;
  /** pending.size, kept on the program itself (hot paths read it without touching the Set). */
  pendingCount: number;
  readonly dockerIds: Set<string>;
  /** Last arrive/complete/fail/release-relevant event, for the abandon timeout. */
  lastActivity: number;
  pausedAt: number | null;
  /** When it last went onto a backend (admitted or restored); null before. */
  residentSince: number | null;
  /** Its tokens when it was last paused (RestoreOrder "at-pause"). */
  pausedTokens: number;
  /** When its previous response ended (tool time of the next step starts there). */
  lastResponseEnd: number | null;
  profile: ProfileAccumulator | null;
  /** While `account.attached`: what its backend's sums hold for it. */
  readonly account: ProgramAccount;
  /** Times it was paused while active (policy/victim-penalty.ts). */
  pauseCount: number;
  /** Its pauses decayed by `victimMemoryS`, as of `recentPausesAt` (policy/victim-penalty.ts). */
  recentPauses: number;
  recentPausesAt: number;
  /** Acting past `actingLeaseS`: its tokens are not reserved (policy/acting-lease.ts). */
  leaseExpired: boolean;
  /** Its tool calls' duration, seconds: 0.2·sample + 0.8·old (first sample as is); null before. */
  toolTimeS: number | null;
  /** Seconds its requests spent in the engine so far (policy/attained-service.ts). */
  serviceS: number;
  /** Its own chars-per-token ratio, null before its first usage (policy/program-estimate.ts). */
  charsPerToken: number | null;
  /** Its smoothed token growth per step, null before two usages (policy/program-estimate.ts). */
  growthPerStep: number | null;
  /** Its total tokens at its last usage, null before one. */
  lastUsageTokens: number | null;
}

export function createProgram(
  id: string,
  now: number,
  profile: ProfileAccumulator | null,
  seq = 0,
): Program {
  return {
    id,
    seq,
    status: "reasoning",
    state: "active",
    backend: null,
    originBackend: null,
    totalTokens: 0,
    contextChars: 0,
    stepCount: 0,
    markedForPause: false,
    actingSince: null,
    inFlight: 0,
    pending: new Set(),
    pendingCount: 0,
    dockerIds: new Set(),
    lastActivity: now,
    pausedAt: null,
    residentSince: null,
    pausedTokens: 0,
    lastResponseEnd: null,
    profile,
    account: { attached: false, tokens: 0, acting: false, marked: false, idle: false },
    pauseCount: 0,
    recentPauses: 0,
    recentPausesAt: now,
    leaseExpired: false,
    toolTimeS: null,
    serviceS: 0,
    charsPerToken: null,
    growthPerStep: null,
    lastUsageTokens: null,
    queued: false,
    queuePrev: null,
    queueNext: null,
    backendPrev: null,
    backendNext: null,
  };
}

export type RequestPhase = "pending" | "in_flight";

/** One chat request of a program, from arrive() to complete()/fail()/cancelPending(). */
export interface RequestRecord {
  readonly id: string;
  readonly program: Program;
  /** The program's step number this request is (1-based). */
  readonly step: number;
  readonly chars: number;
  readonly arrivedAt: number;
  /** Seconds from the previous response's end to this arrival (0 for the first step). */
  readonly toolCallS: number;
  phase: RequestPhase;
  backend: string | null;
  /** When it was released from waiting (resumed), null if it never waited. */
  resumedAt: number | null;
  forwardedAt: number | null;
  firstTokenAt: number | null;
  chunks: number;
}

/** Restore priority group: 0 reasoning with a pending request, 1 new, 2 acting (lowest). */
export function restoreGroup(p: Program): 0 | 1 | 2 {
  if (p.stepCount <= 1) return 1;
  return p.status === "reasoning" ? 0 : 2;
}
