/**
 * Capacity arithmetic of one backend (docs/original-api.md, "Capacity and the tick"):
 *
 *   used      = reasoning + w·acting − shared + bufferPerProgram · programs (but lease-idle ones)
 *   shared    = max(0, reasoning − ⌊kvCacheUsage · capacity⌋)        (prefix sharing)
 *   remaining = capacity − used
 *
 * `shared` is clamped at 0, as the original's `calculate_shared_tokens` does: when vLLM holds
 * more KV than our reasoning programs account for (acting programs' cache, other clients), that is
 * not sharing, and a negative credit would double-count the acting tokens. It is refreshed once per
 * tick (the original's "updated only during the thrashing check").
 *
 * A backend whose capacity is unknown (no snapshot with a capacity yet) has unbounded room: it is
 * never over capacity, admits and restores anything. That is what the original effectively does
 * (`remaining_capacity()` is +inf without a cache config) and it keeps a router that cannot scrape
 * metrics working as a plain proxy instead of queueing everything forever.
 * @module
 */
import { decayedActingWeight } from "./acting-decay.js";
import type { BackendState } from "./backend-state.js";
import { reservedTokens } from "./policy/acting-lease.js";
import type { ActingDecay, SharedCredit } from "./types.js";

export interface CapacityParams {
  actingTokenWeight: number;
  bufferPerProgram: number;
  /** x in w·x^(−t) for acting tokens while restoring with decay (the original: 2). */
  actingDecayBase: number;
  /** How decayed acting tokens weigh ({@link ActingDecay}); "weighted" when absent. */
  actingDecay?: ActingDecay;
}

/**
 * The prefix-sharing credit for the backend's current reasoning tokens and last snapshot under
 * `mode`: 0 with "never", and with "unless-queued" while the backend queues requests.
 */
export function computeSharedTokens(b: BackendState, mode: SharedCredit): number {
  const cap = b.capacity;
  const snap = b.snapshot;
  if (mode === "never" || cap === null || snap === null) return 0;
  if (mode === "unless-queued" && snap.numRequestsWaiting > 0) return 0;
  // The KV-usage signal: the last scrape's usage unless kvUsageSmoothingS averages it.
  const signal = b.kvUsageSignal ?? snap.kvCacheUsage;
  const usage = Number.isFinite(signal) ? signal : 0;
  const actualUsed = Math.floor(usage * cap);
  return Math.max(0, b.reasoningTokens - actualUsed);
}

/** reasoning + w·acting (the original's active_program_tokens, before flooring). */
export function activeTokens(b: BackendState, w: number): number {
  return b.reasoningTokens + w * b.actingTokens;
}

export function usedTokens(b: BackendState, p: CapacityParams): number {
  return (
    activeTokens(b, p.actingTokenWeight) - b.sharedTokens + p.bufferPerProgram * b.bufferedCount
  );
}

/** capacity − used; +Infinity while the capacity is unknown. May be negative. */
export function remainingCapacity(b: BackendState, p: CapacityParams): number {
  const cap = b.capacity;
  if (cap === null) return Number.POSITIVE_INFINITY;
  return cap - usedTokens(b, p);
}

/** used − capacity when positive, else 0 (0 while the capacity is unknown). */
export function capacityOverflow(b: BackendState, p: CapacityParams): number {
  const cap = b.capacity;
  if (cap === null) return 0;
  return Math.max(0, usedTokens(b, p) - cap);
}

/**
 * Used tokens with each acting program weighted w·x^(−t) (restore only). O(programs here).
 * With `actingDecay` "original": x^(−t) without w, and ⌊reasoning + Σ decayed acting⌋, the
 * original's `remaining_capacity_with_decay`.
 */
export function usedTokensWithDecay(b: BackendState, p: CapacityParams, now: number): number {
  const original = p.actingDecay === "original";
  const weight = original ? 1 : p.actingTokenWeight;
  let acting = 0;
  for (const prog of b.programs) {
    if (prog.status !== "acting") continue;
    const since = prog.actingSince ?? now;
    acting += decayedActingWeight(weight, now - since, p.actingDecayBase) * reservedTokens(prog);
  }
  const active = original ? Math.floor(b.reasoningTokens + acting) : b.reasoningTokens + acting;
  return active - b.sharedTokens + p.bufferPerProgram * b.bufferedCount;
}

export function remainingCapacityWithDecay(
  b: BackendState,
  p: CapacityParams,
  now: number,
): number {
  const cap = b.capacity;
  if (cap === null) return Number.POSITIVE_INFINITY;
  return cap - usedTokensWithDecay(b, p, now);
}
