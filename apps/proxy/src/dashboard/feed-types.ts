/**
 * What `GET /dashboard/events` sends: one `snapshot` when a page connects, then a `delta` every
 * interval (programs changed or gone since the last one, new events and chart points; the
 * backends and totals, a few hundred bytes, whole). The page (`apps/proxy/dashboard/`) imports
 * these types; the proxy builds them in `feed.ts` from the Router's views.
 * @module
 */

/** One program, as the table shows it. */
export interface ProgramRow {
  id: string;
  state: "active" | "paused" | "terminated";
  status: "reasoning" | "acting";
  tokens: number;
  /** The backend it runs on; while paused, the one it was paused from (null: never placed). */
  backend: string | null;
  steps: number;
  /** Server time (Unix s) it was seen paused since; null while active. */
  pausedSince: number | null;
  /** Pauses seen since the proxy started (a new program queued before its first step: none). */
  pauses: number;
}

/** One backend, from `stats(now)` (tokens, programs) and the last scrape (`metricsView`). */
export interface BackendView {
  url: string;
  healthy: boolean;
  /** KV capacity in tokens; null before a scrape told it. */
  capacity: number | null;
  /** What the scheduler counts as used (reasoning + weighted acting − shared + buffers). */
  used: number;
  reasoning: number;
  acting: number;
  shared: number;
  programs: { reasoning: number; acting: number; marked: number };
  /** Paused programs whose origin is this backend. */
  paused: number;
  /** From the last scrape (null before one): KV usage 0–1, cumulative prefix-cache hit rate. */
  kvUsage: number | null;
  prefixHitRate: number | null;
  /** Requests waiting and running inside the engine, from the last scrape. */
  engineWaiting: number | null;
  engineRunning: number | null;
  /** Unix s of the last scrape (null: none yet). */
  scrapedAt: number | null;
}

export interface Totals {
  mode: string;
  schedulingEnabled: boolean;
  programs: number;
  paused: number;
  reasoning: number;
  acting: number;
  /** Requests waiting in the router for their program's restore. */
  waitingRequests: number;
  inFlight: number;
  steps: number;
  pauses: number;
  restores: number;
  migrations: number;
  forcedResumes: number;
  released: number;
  reclaimed: number;
  longestWaitS: number;
}

export const EVENT_KINDS = [
  "pause",
  "mark",
  "restore",
  "admit",
  "migrate",
  "forced",
  "release",
  "reclaim",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface FeedEvent {
  seq: number;
  /** Server time, Unix s. */
  t: number;
  kind: EventKind;
  program: string;
  /** Where it went (restore, admit, migrate, forced) or was (pause, mark, release, reclaim). */
  backend: string | null;
  /** migrate/restore: the backend it was paused from. */
  from: string | null;
}

/** One point of the charts; rates over the `rateWindowS` before `t`, null when nothing to rate. */
export interface HistoryPoint {
  t: number;
  stepsPerMin: number | null;
  paused: number;
  kvHitRate: number | null;
  waitP50: number | null;
  waitP99: number | null;
}

interface FeedCommon {
  seq: number;
  /** Server time, Unix s (the page measures waits against it). */
  t: number;
  backends: BackendView[];
  totals: Totals;
  events: FeedEvent[];
  history: HistoryPoint[];
}

export interface FeedSnapshot extends FeedCommon {
  type: "snapshot";
  intervalS: number;
  historyStepS: number;
  historySpanS: number;
  programs: ProgramRow[];
}

export interface FeedDelta extends FeedCommon {
  type: "delta";
  upsert: ProgramRow[];
  remove: string[];
}

export type FeedMessage = FeedSnapshot | FeedDelta;
