/**
 * The restore policy (the original's `_greedy_resume`), best fit decreasing:
 *
 * 1. Candidates in priority order: group 0 (reasoning, i.e. with a request waiting), group 1 (new
 *    programs), group 2 (acting); ascending by tokens inside a group (stable: queue order on ties).
 *    An optional `orderOf` gives the tokens to order by (the original orders by the tokens a
 *    program had when paused); the room checks always use `tokensOf`.
 * 2. Rooms: healthy backends whose remaining capacity exceeds one buffer. Select the candidates,
 *    in that order, whose running sum of (tokens + buffer) fits the total remaining capacity.
 * 3. Place the selection largest first, each on the room with the most remaining capacity,
 *    re-choosing after every placement; a room at or below one buffer leaves the game. A program
 *    that fits no room is skipped; when even the smallest selected one fits none, stop.
 *
 * Ties between rooms (equal remaining, e.g. two backends of unknown = unbounded capacity) go to
 * the one with fewer active tokens (counting what this pass placed), then to list order.
 *
 * {@link planRestoreWith} takes the policy as a {@link RestoreSpec}: any number of priority
 * groups, and a {@link RoomChooser} in place of "the room with the most remaining capacity"
 * (policy/resume-placement.ts keeps programs on their origin with it).
 * @module
 */

import { sortedByKey, TOKEN_KEY_MAX, tokensKey } from "./sort-keys.js";

export interface RestoreCandidate<T> {
  item: T;
  tokens: number;
  group: 0 | 1 | 2;
}

export interface Room {
  url: string;
  remaining: number;
  activeTokens: number;
}

export interface Placement<T> {
  item: T;
  backend: string;
}

/**
 * Chooses the room of one selected program: an index into `open` whose remaining capacity fits
 * `need`, or −1 to leave the program paused this pass. `roomiest` is the index best fit takes.
 */
export type RoomChooser<T> = (
  item: T,
  open: readonly Room[],
  roomiest: number,
  need: number,
) => number;

/** The restore policy's inputs (see the module comment). */
export interface RestoreSpec<T> {
  /** The tokens a program needs room for (plus one buffer). */
  tokensOf: (item: T) => number;
  /** Its priority group: small non-negative integers, 0 selected first. */
  groupOf: (item: T) => number;
  /** What orders a group, ascending (default: `tokensOf`). */
  orderOf?: (item: T) => number;
  rooms: readonly Room[];
  bufferPerProgram: number;
  /** Where a selected program goes (default: the room with the most remaining capacity). */
  choose?: RoomChooser<T>;
  /**
   * A program's home room (its origin, which holds its prefix cache), or null. When given, the
   * placement runs twice: first every selected program whose need fits its home goes there
   * (largest first), then the rest go where `choose` says. One pass would let a program that must
   * move take the room another program's home had for it, which then has to move too.
   */
  homeOf?: (item: T) => string | null;
}

/** planRestore over candidate records (tests, simulation experiments). */
export function planRestore<T>(
  candidates: ReadonlyArray<RestoreCandidate<T>>,
  rooms: readonly Room[],
  bufferPerProgram: number,
): Array<Placement<T>> {
  return planRestoreBy(
    candidates,
    (c) => c.tokens,
    (c) => c.group,
    rooms,
    bufferPerProgram,
  ).map((p) => ({ item: p.item.item, backend: p.backend }));
}

/** The same policy over any items, read through accessors (no per-tick candidate objects). */
export function planRestoreBy<T>(
  items: readonly T[],
  tokensOf: (item: T) => number,
  groupOf: (item: T) => 0 | 1 | 2,
  rooms: readonly Room[],
  bufferPerProgram: number,
  orderOf: (item: T) => number = tokensOf,
): Array<Placement<T>> {
  return planRestoreWith(items, { tokensOf, groupOf, orderOf, rooms, bufferPerProgram });
}

/** The policy with every piece given by `spec`. */
export function planRestoreWith<T>(items: readonly T[], spec: RestoreSpec<T>): Array<Placement<T>> {
  const buffer = spec.bufferPerProgram;
  const open: Room[] = [];
  let total = 0;
  let maxRoom = 0;
  for (const r of spec.rooms) {
    if (r.remaining > buffer) {
      open.push({ ...r });
      total += r.remaining;
      if (r.remaining > maxRoom) maxRoom = r.remaining;
    }
  }
  if (open.length === 0 || items.length === 0 || !(total > 0)) return [];

  let minTokens = Number.POSITIVE_INFINITY;
  for (const c of items) {
    const t = spec.tokensOf(c);
    if (t < minTokens) minTokens = t;
  }
  const minNeedAll = minTokens + buffer;
  // Futile when even the smallest program fits no single room: the placement pass would stop at
  // its first step (what the original does after sorting), so skip the sorting.
  if (minNeedAll > total || minNeedAll > maxRoom) return [];
  const selected = selectByPriority(items, spec, total, minNeedAll);
  if (selected.length === 0) return [];
  return placeLargestFirst(selected, open, spec);
}

/**
 * Priority order: group, then `orderOf` ascending; ties keep input order (stable). Each group is
 * sorted only if the selection reaches it, and only over the programs that can still fit the
 * capacity left (the rest can never be selected: the running sum only grows).
 */
function selectByPriority<T>(
  items: readonly T[],
  spec: RestoreSpec<T>,
  total: number,
  minNeedAll: number,
): T[] {
  const { tokensOf, bufferPerProgram: buffer } = spec;
  const orderOf = spec.orderOf ?? tokensOf;
  const groups: T[][] = [];
  for (const c of items) (groups[spec.groupOf(c)] ??= []).push(c);
  const selected: T[] = [];
  let cumulative = 0;
  for (const group of groups) {
    if (group === undefined) continue;
    if (cumulative + minNeedAll > total) break;
    const left = total - cumulative;
    const fitting = group.filter((c) => tokensOf(c) + buffer <= left);
    for (const c of sortedByKey(fitting, (x) => tokensKey(orderOf(x)))) {
      const need = tokensOf(c) + buffer;
      if (cumulative + need <= total) {
        selected.push(c);
        cumulative += need;
        // Nothing after this can fit once even the smallest need would overflow.
        if (cumulative + minNeedAll > total) break;
      }
    }
  }
  return selected;
}

/**
 * Largest first (stable, so priority order breaks ties), each where `spec.choose` says; with
 * `spec.homeOf`, the programs that fit their home first.
 */
function placeLargestFirst<T>(selected: T[], open: Room[], spec: RestoreSpec<T>) {
  const { tokensOf, bufferPerProgram: buffer } = spec;
  const decreasing = sortedByKey(selected, (c) => TOKEN_KEY_MAX - tokensKey(tokensOf(c)));
  const placements: Array<Placement<T>> = [];
  const place = (c: T, at: number): void => {
    const room = open[at]!;
    const tokens = tokensOf(c);
    placements.push({ item: c, backend: room.url });
    room.remaining -= tokens + buffer;
    room.activeTokens += tokens;
    if (!(room.remaining > buffer)) open.splice(at, 1);
  };
  let rest = decreasing;
  if (spec.homeOf) {
    rest = [];
    for (const c of decreasing) {
      const home = spec.homeOf(c);
      const at = home === null ? -1 : open.findIndex((r) => r.url === home);
      if (at >= 0 && tokensOf(c) + buffer <= open[at]!.remaining) place(c, at);
      else rest.push(c);
    }
  }
  if (rest.length === 0) return placements;
  const minNeed = tokensOf(rest[rest.length - 1]!) + buffer;
  for (const c of rest) {
    if (open.length === 0) break;
    const best = mostRoom(open);
    if (minNeed > open[best]!.remaining) break;
    const need = tokensOf(c) + buffer;
    const at = spec.choose ? spec.choose(c, open, best, need) : best;
    if (at < 0 || need > open[at]!.remaining) continue;
    place(c, at);
  }
  return placements;
}

function mostRoom(open: readonly Room[]): number {
  let best = 0;
  for (let i = 1; i < open.length; i++) {
    const r = open[i]!;
    const b = open[best]!;
    if (
      r.remaining > b.remaining ||
      (r.remaining === b.remaining && r.activeTokens < b.activeTokens)
    ) {
      best = i;
    }
  }
  return best;
}
