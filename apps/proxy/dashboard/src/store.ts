// The page's copy of the router's state: a snapshot, then deltas applied in place. Pure apart
// from the listeners; `version` moves when the programs change, so the table re-sorts only then.
import type {
  BackendView,
  FeedDelta,
  FeedEvent,
  FeedSnapshot,
  HistoryPoint,
  ProgramRow,
  Totals,
} from "../../src/dashboard/feed-types.ts";

export const MAX_EVENTS = 300;

export interface DashState {
  programs: Map<string, ProgramRow>;
  /** Bumped whenever a program row is added, changed or removed. */
  version: number;
  backends: BackendView[];
  totals: Totals | null;
  events: FeedEvent[];
  history: HistoryPoint[];
  historySpanS: number;
  intervalS: number;
  /** Server clock − page clock, seconds (waits are shown against the server's time). */
  clockSkewS: number;
  /** Page time (ms) of the last message. */
  lastMessageAt: number;
  messages: number;
}

export function emptyState(): DashState {
  return {
    programs: new Map(),
    version: 0,
    backends: [],
    totals: null,
    events: [],
    history: [],
    historySpanS: 1800,
    intervalS: 1,
    clockSkewS: 0,
    lastMessageAt: 0,
    messages: 0,
  };
}

export function applySnapshot(s: DashState, m: FeedSnapshot, pageNowMs: number): void {
  s.programs = new Map(m.programs.map((p) => [p.id, p]));
  s.version++;
  s.events = m.events.slice(-MAX_EVENTS);
  s.history = m.history.slice();
  s.historySpanS = m.historySpanS;
  s.intervalS = m.intervalS;
  common(s, m, pageNowMs);
}

export function applyDelta(s: DashState, m: FeedDelta, pageNowMs: number): void {
  if (m.remove.length + m.upsert.length > 0) {
    for (const id of m.remove) s.programs.delete(id);
    for (const p of m.upsert) s.programs.set(p.id, p);
    s.version++;
  }
  const lastEvent = s.events.at(-1)?.seq ?? 0;
  const events = m.events.filter((e) => e.seq > lastEvent);
  if (events.length > 0) s.events = s.events.concat(events).slice(-MAX_EVENTS);
  const lastPoint = s.history.at(-1)?.t ?? -Infinity;
  const points = m.history.filter((p) => p.t > lastPoint);
  if (points.length > 0) {
    const cut = (points.at(-1)?.t ?? 0) - s.historySpanS;
    s.history = s.history.concat(points).filter((p) => p.t > cut);
  }
  common(s, m, pageNowMs);
}

function common(s: DashState, m: FeedSnapshot | FeedDelta, pageNowMs: number): void {
  s.backends = m.backends;
  s.totals = m.totals;
  s.clockSkewS = m.t - pageNowMs / 1000;
  s.lastMessageAt = pageNowMs;
  s.messages++;
}

/** Seconds a paused program has waited, at the server's time now. */
export function waitingS(p: ProgramRow, s: DashState, pageNowMs: number): number {
  return p.pausedSince === null ? 0 : Math.max(0, pageNowMs / 1000 + s.clockSkewS - p.pausedSince);
}

export type SortKey =
  "id" | "state" | "status" | "tokens" | "backend" | "steps" | "waiting" | "pauses";

export interface TableQuery {
  text: string;
  state: "" | "active" | "paused";
  status: "" | "reasoning" | "acting";
  sort: SortKey;
  desc: boolean;
}

/** The rows the table shows: filtered, then sorted (ties by id). */
export function selectRows(s: DashState, q: TableQuery, pageNowMs: number): ProgramRow[] {
  const text = q.text.trim().toLowerCase();
  const rows: ProgramRow[] = [];
  for (const p of s.programs.values()) {
    if (q.state && p.state !== q.state) continue;
    if (q.status && p.status !== q.status) continue;
    if (text && !p.id.toLowerCase().includes(text) && !(p.backend ?? "").includes(text)) continue;
    rows.push(p);
  }
  const key = sortValue(q.sort, s, pageNowMs);
  const dir = q.desc ? -1 : 1;
  rows.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x < y) return -dir;
    if (x > y) return dir;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return rows;
}

function sortValue(k: SortKey, s: DashState, now: number): (p: ProgramRow) => string | number {
  switch (k) {
    case "waiting":
      return (p) => waitingS(p, s, now);
    case "backend":
      return (p) => p.backend ?? "";
    case "id":
    case "state":
    case "status":
      return (p) => p[k];
    default:
      return (p) => p[k];
  }
}
