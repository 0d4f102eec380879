/**
 * The tr tick's restore pass: the restore policy (restore-policy.ts) over the paused queue, with
 * the options that shape it: which backends take programs (policy/backend-gate.ts,
 * `unknownCapacity`), the room a program needs (acting decay, policy/acting-lease.ts,
 * policy/program-estimate.ts), the priority order (`restoreOrder`, policy/wait-bound.ts,
 * policy/attained-service.ts) and where a program goes (policy/resume-placement.ts).
 * @module
 */
import { activeTokens, remainingCapacity, remainingCapacityWithDecay } from "./capacity.js";
import { reservedTokens } from "./policy/acting-lease.js";
import { serviceKey } from "./policy/attained-service.js";
import { gateOff, takesPrograms } from "./policy/backend-gate.js";
import { nextStepTokens } from "./policy/program-estimate.js";
import { originFirstChooser } from "./policy/resume-placement.js";
import { withBoost } from "./policy/wait-bound.js";
import { type Program, restoreGroup } from "./program.js";
import { planRestoreWith, type RestoreSpec, type Room } from "./restore-policy.js";
import type { RouterState } from "./router-state.js";
import type { TickResult } from "./types.js";

export function restorePaused(
  s: RouterState,
  now: number,
  result: TickResult,
  held: ReadonlySet<string> = new Set(),
): void {
  if (s.queue.size === 0) return;
  const placements = planRestoreWith(s.queue.toArray(), restoreSpec(s, now, held));
  for (const { item: p, backend } of placements) {
    const from = p.originBackend;
    s.restore(p, backend, now, false, result.resumed);
    result.restored.push({ programId: p.id, backend, from });
  }
}

/** The backends that take restores now (none `held` by the wait guard), with their room. */
function restoreRooms(s: RouterState, now: number, held: ReadonlySet<string>): Room[] {
  const decay = s.opts.useActingTokenDecay;
  const skipUnknown = s.opts.unknownCapacity === "no-restores";
  const gated = !gateOff(s.opts);
  const rooms: Room[] = [];
  for (const b of s.backendList) {
    if (!b.healthy || held.has(b.url)) continue;
    if (skipUnknown && b.capacity === null) continue;
    if (gated && !takesPrograms(b, s.opts)) continue;
    rooms.push({
      url: b.url,
      remaining: decay ? remainingCapacityWithDecay(b, s.cap, now) : remainingCapacity(b, s.cap),
      activeTokens: activeTokens(b, s.opts.actingTokenWeight),
    });
  }
  return rooms;
}

function restoreSpec(s: RouterState, now: number, held: ReadonlySet<string>): RestoreSpec<Program> {
  const o = s.opts;
  const tokensOf =
    o.restoreNeed === "next-step"
      ? (p: Program): number =>
          p.status === "acting" && !p.leaseExpired ? nextStepTokens(p) : reservedTokens(p)
      : reservedTokens;
  const orderOf =
    o.restoreOrder === "at-pause"
      ? (p: Program): number => p.pausedTokens
      : o.restoreOrder === "least-service"
        ? serviceKey
        : tokensOf;
  const ranking = withBoost({ groupOf: restoreGroup, orderOf }, o.restoreBoostAfterS, now);
  const spec: RestoreSpec<Program> = {
    tokensOf,
    ...ranking,
    rooms: restoreRooms(s, now, held),
    bufferPerProgram: o.bufferPerProgram,
  };
  if (o.resumePlacement !== "origin-first") return spec;
  const usable = (url: string): boolean => s.backends.get(url)?.healthy === true;
  // With one room there is no home to keep: the home round would only reorder the placements.
  const homeOf =
    spec.rooms.length < 2
      ? {}
      : {
          homeOf: (p: Program) =>
            p.originBackend !== null && usable(p.originBackend) ? p.originBackend : null,
        };
  return {
    ...spec,
    ...homeOf,
    choose: originFirstChooser({
      now,
      moveAfterS: o.resumeMoveAfterS,
      moveHeadroom: o.resumeMoveHeadroom,
      usable,
    }),
  };
}
