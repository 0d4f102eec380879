/**
 * The wait guard (`waitGuardAfterS`): a bound on waiting that keeps to capacity.
 *
 * The original bounds waiting only with its backstop (`forceResumeAfterS`, 1800 s), which sends a
 * program in whether it fits or not; the engine then holds more than its KV cache and thrashes.
 * The restore boost (wait-bound.ts) only reorders: a large program still never fits while small
 * ones keep the room full. The guard instead makes room:
 *
 * 1. A paused program whose oldest request has waited `waitGuardAfterS` or more is overdue.
 *    Overdue programs are served oldest request first, before the restore pass.
 * 2. Its backend: the origin when healthy and not already held for another overdue program, else
 *    the healthy backend with the most room it could make (remaining + what swapping frees).
 * 3. When it fits there (its tokens + one buffer), it is restored there.
 * 4. Otherwise acting programs there (their tool runs, no request in the engine, not marked) that
 *    have been resident `waitGuardQuantumS` or longer are paused, longest resident first, until it
 *    fits — a swap: the room stays within capacity, the victims wait their own turn.
 * 5. When swapping cannot free enough, the backend is held: the restore pass puts nobody else
 *    there this tick, so capacity freed by finishing programs accumulates for the overdue one.
 *
 * null (the original): no guard.
 * @module
 */
import { remainingCapacity } from "../capacity.js";
import type { Program } from "../program.js";
import type { RouterState } from "../router-state.js";
import type { TickResult } from "../types.js";
import { bufferOf, reservedTokens } from "./acting-lease.js";

/** Overdue paused programs, oldest waiting request first (each once). */
function overduePrograms(s: RouterState, now: number, afterS: number): Program[] {
  const out: Program[] = [];
  const seen = new Set<Program>();
  // pendingRequests is in arrival order: the first request not yet due ends the scan.
  for (const rec of s.pendingRequests.values()) {
    if (now - rec.arrivedAt < afterS) break;
    const p = rec.program;
    if (p.state !== "paused" || seen.has(p)) continue;
    seen.add(p);
    out.push(p);
  }
  return out;
}

/** Acting programs on `url` the guard may swap out at `now`, longest resident first. */
function swappable(s: RouterState, url: string, now: number): Program[] {
  const b = s.backends.get(url);
  if (!b) return [];
  const quantum = s.opts.waitGuardQuantumS;
  const out: Program[] = [];
  for (const p of b.programs) {
    if (p.status !== "acting" || p.inFlight !== 0 || p.pendingCount !== 0) continue;
    if (p.markedForPause || now - (p.residentSince ?? -Infinity) < quantum) continue;
    out.push(p);
  }
  return out.sort((a, b2) => (a.residentSince ?? -Infinity) - (b2.residentSince ?? -Infinity));
}

/** The tokens pausing `p` frees on its backend (its counted tokens and its buffer). */
function freedBy(p: Program, s: RouterState): number {
  return s.opts.actingTokenWeight * reservedTokens(p) + bufferOf(p, s.opts.bufferPerProgram);
}

function roomOf(s: RouterState, url: string): number {
  const b = s.backends.get(url);
  return b ? remainingCapacity(b, s.cap) : Number.NEGATIVE_INFINITY;
}

/**
 * Each backend's swappable programs and the room swapping them all would free, computed once per
 * tick and dropped for a backend when the guard pauses or restores there (a tick with many overdue
 * programs would otherwise sort every backend's programs once per overdue program).
 */
class SwapView {
  readonly #lists = new Map<string, { victims: Program[]; freed: number }>();

  constructor(
    private readonly s: RouterState,
    private readonly now: number,
  ) {}

  of(url: string): { victims: Program[]; freed: number } {
    let v = this.#lists.get(url);
    if (v === undefined) {
      const victims = swappable(this.s, url, this.now);
      let freed = 0;
      for (const p of victims) freed += freedBy(p, this.s);
      v = { victims, freed };
      this.#lists.set(url, v);
    }
    return v;
  }

  changed(url: string): void {
    this.#lists.delete(url);
  }
}

/** The backend for overdue `p`: its healthy, unheld origin, else the most room it could make. */
function targetOf(
  s: RouterState,
  p: Program,
  held: ReadonlySet<string>,
  view: SwapView,
): string | null {
  const origin = p.originBackend !== null ? s.backends.get(p.originBackend) : undefined;
  if (origin?.healthy && !held.has(origin.url)) return origin.url;
  let best: string | null = null;
  let bestRoom = Number.NEGATIVE_INFINITY;
  for (const b of s.backendList) {
    if (!b.healthy || held.has(b.url)) continue;
    const room = roomOf(s, b.url) + view.of(b.url).freed;
    if (room > bestRoom) {
      bestRoom = room;
      best = b.url;
    }
  }
  return best;
}

/**
 * Serves the overdue programs at `now` (module comment). Returns the backends held for overdue
 * programs that could not get in: the restore pass leaves them out this tick.
 */
export function guardWaits(s: RouterState, now: number, result: TickResult): ReadonlySet<string> {
  const afterS = s.opts.waitGuardAfterS;
  const held = new Set<string>();
  if (afterS === null || s.queue.size === 0) return held;
  const view = new SwapView(s, now);
  for (const p of overduePrograms(s, now, afterS)) {
    const url = targetOf(s, p, held, view);
    if (url === null) break; // no healthy backend left to serve or hold
    const need = reservedTokens(p) + s.opts.bufferPerProgram;
    let room = roomOf(s, url);
    if (room < need) {
      const victims: Program[] = [];
      for (const v of view.of(url).victims) {
        if (room >= need) break;
        victims.push(v);
        room += freedBy(v, s);
      }
      if (room < need) {
        held.add(url);
        continue;
      }
      for (const v of victims) {
        s.pause(v, now);
        s.counters.guardSwaps++;
        result.paused.push(v.id);
      }
    }
    const from = p.originBackend;
    s.restore(p, url, now, false, result.resumed);
    view.changed(url);
    s.counters.guardRestores++;
    result.restored.push({ programId: p.id, backend: url, from });
  }
  return held;
}
