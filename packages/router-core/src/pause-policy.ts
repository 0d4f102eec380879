/**
 * The pause policy of one tick, for one backend over capacity (no decay here):
 *
 * 1. while used > capacity, pause acting programs, smallest first (each frees w·tokens + buffer);
 * 2. then, while used − future_paused_tokens > capacity, mark reasoning programs (not yet marked),
 *    smallest first. A marked program pauses when its in-flight requests end.
 *
 * With `markReasoning` "until-fits", step 2 counts the tokens already marked as leaving, so a backend
 * does not mark every reasoning program because the marks do not change `used` yet. With "all"
 * (the original's behaviour: its loop re-checks a remaining capacity that marks do not change),
 * every reasoning program not yet marked is marked.
 * Equally sized programs go in the order they were registered on the backend, or with `pauseTies`
 * "creation" in the order they were created (the original scans all programs in creation order).
 * "Size" is the program's reserved tokens (policy/acting-lease.ts), scaled up for repeat victims
 * with `victimPenalty` (policy/victim-penalty.ts).
 * This module only plans; the router applies the plan.
 * @module
 */
import type { BackendState } from "./backend-state.js";
import { type CapacityParams, usedTokens } from "./capacity.js";
import type { Program } from "./program.js";
import { bufferOf, reservedTokens } from "./policy/acting-lease.js";
import { sortedByKey, tokensKey } from "./sort-keys.js";
import type { MarkReasoning, PauseTies } from "./types.js";

export interface PausePlan {
  pause: Program[];
  mark: Program[];
}

/** How a backend over capacity chooses its victims. */
export interface PauseChoice {
  markReasoning?: MarkReasoning;
  pauseTies?: PauseTies;
  /** The size a program is ordered by, smallest first (default: its reserved tokens). */
  victimKey?: (p: Program) => number;
}

const bySize = (p: Program): number => tokensKey(reservedTokens(p));
const byCreation = (p: Program): number => p.seq;

/** Smallest first by `key`; ties in registration order, or creation order with "creation". */
export function smallestFirst(
  programs: Program[],
  ties: PauseTies,
  key: (p: Program) => number = bySize,
): Program[] {
  return sortedByKey(ties === "creation" ? sortedByKey(programs, byCreation) : programs, key);
}

export function planPauses(
  b: BackendState,
  params: CapacityParams,
  choice: PauseChoice = {},
): PausePlan {
  const { markReasoning = "until-fits", pauseTies = "registration", victimKey = bySize } = choice;
  const plan: PausePlan = { pause: [], mark: [] };
  const cap = b.capacity;
  if (cap === null || !b.healthy) return plan;
  let used = usedTokens(b, params);
  if (used <= cap) return plan;

  if (b.actingCount > 0) {
    const acting: Program[] = [];
    for (const p of b.programs) if (p.status === "acting") acting.push(p);
    for (const p of smallestFirst(acting, pauseTies, victimKey)) {
      if (used <= cap) break;
      plan.pause.push(p);
      used -= params.actingTokenWeight * reservedTokens(p) + bufferOf(p, params.bufferPerProgram);
    }
  }

  let future = markReasoning === "all" ? 0 : b.markedTokens;
  if (used - future > cap) {
    for (const p of smallestFirst(unmarkedReasoning(b), pauseTies, victimKey)) {
      if (used - future <= cap) break;
      plan.mark.push(p);
      if (markReasoning === "until-fits") future += p.totalTokens;
    }
  }
  return plan;
}

/** The reasoning programs of `b` not yet marked, in registration order. */
export function unmarkedReasoning(b: BackendState): Program[] {
  const reasoning: Program[] = [];
  for (const p of b.programs) if (p.status === "reasoning" && !p.markedForPause) reasoning.push(p);
  return reasoning;
}
