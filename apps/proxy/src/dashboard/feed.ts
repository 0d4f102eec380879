/**
 * The dashboard's state and its deltas, built from what the Router already exposes: `tick()`
 * results and releases (events, pause counts), `programsView()` (the table), `stats(now)` and the
 * last scrape in `metricsView()` (backends, totals, charts), `healthView()` (mode). Nothing is
 * re-derived from the scheduling rules. No timers or sockets here (`stream.ts` drives it): time
 * is passed in.
 * @module
 */
import type { RouterPort, RouterStats, TickResult } from "../router-port.js";
import { EventLog } from "./event-log.js";
import type { BackendView, FeedDelta, FeedSnapshot, Totals } from "./feed-types.js";
import { History, type HistoryOptions } from "./history.js";
import { ProgramTracker } from "./program-tracker.js";

export interface FeedOptions extends HistoryOptions {
  /** Seconds between deltas (≤ 1). */
  intervalS: number;
  /** What `metricsView` is told (as `GET /metrics` tells it). */
  metricsEnabled: boolean;
  metricsInterval: number | null;
  /** Events a snapshot carries (the newest). */
  snapshotEvents: number;
}

export const DEFAULT_FEED_OPTIONS: Omit<FeedOptions, "metricsEnabled" | "metricsInterval"> = {
  intervalS: 0.5,
  stepS: 5,
  spanS: 1800,
  windowS: 60,
  snapshotEvents: 200,
};

export class DashboardFeed {
  readonly events = new EventLog(1000);
  readonly #tracker = new ProgramTracker(this.events);
  readonly #history: History;
  #seq = 0;
  #eventSeq = 0;
  #historySent = 0;
  #health: { router_mode: string; scheduling_enabled: boolean } | null = null;

  constructor(
    private readonly router: RouterPort,
    readonly opts: FeedOptions,
  ) {
    this.#history = new History(opts);
  }

  observeTick(result: TickResult, now: number): void {
    this.#tracker.observeTick(result, now);
  }

  observeRelease(programId: string, now: number): void {
    this.#tracker.observeRelease(programId, now);
  }

  /** Takes a chart sample when one is due (called every interval, watched or not). */
  sampleHistory(now: number, stats?: RouterStats): boolean {
    if (!this.#history.due(now)) return false;
    const s = stats ?? this.router.stats(now);
    let prefixHits = 0;
    let prefixQueries = 0;
    for (const b of Object.values(this.#metrics(now).backends)) {
      prefixHits += b.metrics?.prefix_cache_hits ?? 0;
      prefixQueries += b.metrics?.prefix_cache_queries ?? 0;
    }
    const h = s.pauseTimeHistogram;
    this.#history.add({
      t: now,
      steps: s.completedRequests,
      paused: s.queueLength,
      prefixHits,
      prefixQueries,
      waitBuckets: h.buckets,
      waitCounts: h.counts,
      waitCount: h.count,
    });
    return true;
  }

  /**
   * The first message of a page: every program, the backends, the totals, the newest events and
   * every chart point. `first`: no page was watching, so the rows are brought up to date and
   * changes are remembered from now on.
   */
  snapshot(now: number, first: boolean): FeedSnapshot {
    if (first) {
      this.#tracker.setRecording(true);
      this.#tracker.sync(this.router.programsView(), now);
      this.#tracker.drain();
      this.#eventSeq = this.events.lastSeq;
      this.#historySent = this.#history.added;
    }
    const stats = this.router.stats(now);
    this.sampleHistory(now, stats);
    const { intervalS, stepS, spanS } = this.opts;
    return {
      type: "snapshot",
      seq: this.#seq,
      t: now,
      intervalS,
      historyStepS: stepS,
      historySpanS: spanS,
      programs: this.#tracker.rows(),
      backends: this.#backends(stats, now),
      totals: this.#totals(stats),
      events: this.events.recent(this.opts.snapshotEvents),
      history: this.#history.points(),
    };
  }

  /** What changed since the last delta (or the first snapshot). */
  delta(now: number): FeedDelta {
    this.#tracker.sync(this.router.programsView(), now);
    const { upsert, remove } = this.#tracker.drain();
    const stats = this.router.stats(now);
    this.sampleHistory(now, stats);
    const events = this.events.since(this.#eventSeq);
    this.#eventSeq = this.events.lastSeq;
    const points = this.#history.points();
    const fresh = Math.max(0, Math.min(points.length, this.#history.added - this.#historySent));
    this.#historySent = this.#history.added;
    return {
      type: "delta",
      seq: ++this.#seq,
      t: now,
      upsert,
      remove,
      backends: this.#backends(stats, now),
      totals: this.#totals(stats),
      events,
      history: fresh > 0 ? points.slice(-fresh) : [],
    };
  }

  /** No page is watching any more: stop remembering changes. */
  idle(): void {
    this.#tracker.setRecording(false);
  }

  #metrics(now: number) {
    const { metricsEnabled, metricsInterval } = this.opts;
    return this.router.metricsView({ metricsEnabled, metricsInterval, now });
  }

  #backends(stats: RouterStats, now: number): BackendView[] {
    const scraped = this.#metrics(now).backends;
    return stats.backends.map((b) => {
      const m = scraped[b.url]?.metrics ?? null;
      return {
        url: b.url,
        healthy: b.healthy,
        capacity: b.capacity,
        used: b.used,
        reasoning: b.reasoningTokens,
        acting: b.actingTokens,
        shared: b.shared,
        programs: {
          reasoning: b.programs.reasoning,
          acting: b.programs.acting,
          marked: b.programs.markedForPause,
        },
        paused: b.paused,
        kvUsage: m ? m.kv_cache_usage_perc : null,
        prefixHitRate: m && m.prefix_cache_queries > 0 ? m.prefix_cache_hit_rate : null,
        engineWaiting: m ? m.num_requests_waiting : null,
        engineRunning: m ? m.num_requests_running : null,
        scrapedAt: m && m.last_updated > 0 ? m.last_updated : null,
      };
    });
  }

  #totals(s: RouterStats): Totals {
    // The mode never changes; healthView() walks every program, so it is asked once.
    const health = (this.#health ??= this.router.healthView());
    return {
      mode: health.router_mode,
      schedulingEnabled: health.scheduling_enabled,
      programs: s.programs,
      paused: s.programsByState.paused,
      reasoning: s.programsByStatus.reasoning,
      acting: s.programsByStatus.acting,
      waitingRequests: s.pendingRequests,
      inFlight: s.inFlightRequests,
      steps: s.completedRequests,
      pauses: s.pauses,
      restores: s.restores,
      migrations: s.migrations,
      forcedResumes: s.forcedResumes,
      released: s.released,
      reclaimed: s.reclaimed,
      longestWaitS: s.longestWaitS,
    };
  }
}
