/**
 * The restore policy (the original's `_greedy_resume`), best fit decreasing:
 *
 * 1. Candidates in priority order: group 0 (reasoning, i.e. with a request waiting), group 1 (new
 *    programs), group 2 (acting); ascending by tokens inside a group (stable: queue order on ties).
 * 2. Rooms: healthy backends whose remaining capacity exceeds one buffer. Select the candidates,
 *    in that order, whose running sum of (tokens + buffer) fits the total remaining capacity.
 * 3. Place the selection largest first, each on the room with the most remaining capacity,
 *    re-choosing after every placement; a room at or below one buffer leaves the game. A program
 *    that fits no room is skipped; when even the smallest selected one fits none, stop.
 *
 * Ties between rooms (equal remaining, e.g. two backends of unknown = unbounded capacity) go to
 * the one with fewer active tokens (counting what this pass placed), then to list order.
 * @module
 */

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

export function planRestore<T>(
  candidates: ReadonlyArray<RestoreCandidate<T>>,
  rooms: readonly Room[],
  bufferPerProgram: number,
): Array<Placement<T>> {
  const open: Room[] = [];
  let total = 0;
  for (const r of rooms) {
    if (r.remaining > bufferPerProgram) {
      open.push({ ...r });
      total += r.remaining;
    }
  }
  if (open.length === 0 || candidates.length === 0 || !(total > 0)) return [];

  const ordered = candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.group - b.c.group || a.c.tokens - b.c.tokens || a.i - b.i);
  const selected: Array<RestoreCandidate<T>> = [];
  let cumulative = 0;
  for (const { c } of ordered) {
    const need = c.tokens + bufferPerProgram;
    if (cumulative + need <= total) {
      selected.push(c);
      cumulative += need;
    }
  }
  if (selected.length === 0) return [];

  // Largest first (stable, so priority order breaks ties).
  const decreasing = selected
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.tokens - a.c.tokens || a.i - b.i);
  const minNeed = Math.min(...selected.map((c) => c.tokens)) + bufferPerProgram;
  const placements: Array<Placement<T>> = [];
  for (const { c } of decreasing) {
    if (open.length === 0) break;
    const best = mostRoom(open);
    const room = open[best]!;
    if (minNeed > room.remaining) break;
    const need = c.tokens + bufferPerProgram;
    if (need > room.remaining) continue;
    placements.push({ item: c.item, backend: room.url });
    room.remaining -= need;
    room.activeTokens += c.tokens;
    if (!(room.remaining > bufferPerProgram)) open.splice(best, 1);
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
