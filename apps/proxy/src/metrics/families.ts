/**
 * The router's own series, read at scrape time from `Router.stats()` and the proxy's counters.
 * @module
 */
import type { ProxyContext, ProxyCounters, RouteCounts } from "../context.js";
import type { RouterStats } from "../router-port.js";
import { histogramSamples, type MetricFamily, type Sample } from "./exposition.js";

const P = "thunderagent_";

function counter(name: string, help: string, samples: Sample[] | number): MetricFamily {
  return {
    name: `${P}${name}`,
    help,
    type: "counter",
    samples: typeof samples === "number" ? [{ value: samples }] : samples,
  };
}

function gauge(name: string, help: string, samples: Sample[] | number): MetricFamily {
  return {
    name: `${P}${name}`,
    help,
    type: "gauge",
    samples: typeof samples === "number" ? [{ value: samples }] : samples,
  };
}

type Stats = RouterStats;
type BackendStats = Stats["backends"][number];

/** One gauge per backend: name, help, and what it reads (null: no sample for that backend). */
const PER_BACKEND_GAUGES: ReadonlyArray<
  readonly [string, string, (b: BackendStats) => number | null]
> = [
  ["backend_capacity_tokens", "KV capacity of a backend.", (b) => b.capacity],
  ["backend_used_tokens", "Tokens the scheduler counts as used.", (b) => b.used],
  ["backend_shared_tokens", "Tokens shared through prefixes.", (b) => b.shared],
  ["backend_overflow_tokens", "Used tokens above capacity.", (b) => b.overflow],
  ["backend_reasoning_tokens", "Tokens of reasoning programs.", (b) => b.reasoningTokens],
  ["backend_acting_tokens", "Tokens of acting programs.", (b) => b.actingTokens],
  ["backend_healthy", "1 when the backend is healthy.", (b) => (b.healthy ? 1 : 0)],
  [
    "backend_kv_usage_signal",
    "KV-cache usage 0-1 the scheduler reads (smoothed with --kv-usage-smoothing); none before a scrape.",
    (b) => b.kvUsageSignal,
  ],
];

/**
 * The Router's stats at scrape time: router-core's `Router.stats(now)` measures the waits then
 * (the port declares `stats()`, which the real Router implements with an optional `now`).
 */
function statsAt(ctx: ProxyContext): Stats {
  const router: { stats(now?: number): Stats } = ctx.router;
  return router.stats(ctx.now());
}

export function collectFamilies(ctx: ProxyContext): MetricFamily[] {
  const s = statsAt(ctx);
  return [
    ...programFamilies(s),
    ...schedulerFamilies(s),
    ...policyFamilies(s),
    ...backendFamilies(s),
    pauseHistogram(s),
    ...proxyFamilies(ctx),
    ...weightSyncFamilies(ctx),
  ];
}

/** One sample per backend of what `pick` reads (none where it reads null). */
function perBackend(s: Stats, pick: (b: BackendStats) => number | null): Sample[] {
  return s.backends.flatMap((b) => {
    const value = pick(b);
    return value === null ? [] : [{ labels: { backend: b.url }, value }];
  });
}

/** Programs: how many, by state and status, on each backend. */
function programFamilies(s: Stats): MetricFamily[] {
  const byStatus: Sample[] = s.backends.flatMap((b) => [
    {
      labels: { backend: b.url, status: "reasoning", state: "active" },
      value: b.programs.reasoning,
    },
    { labels: { backend: b.url, status: "acting", state: "active" }, value: b.programs.acting },
  ]);
  return [
    gauge("programs", "Registered programs.", s.programs),
    gauge(
      "programs_by_state",
      "Programs by state (active or paused).",
      Object.entries(s.programsByState).map(([state, value]) => ({ labels: { state }, value })),
    ),
    gauge(
      "programs_by_status",
      "Programs by status (reasoning or acting).",
      Object.entries(s.programsByStatus).map(([status, value]) => ({ labels: { status }, value })),
    ),
    gauge("backend_programs", "Active programs on a backend by status.", byStatus),
    gauge(
      "backend_paused_programs",
      "Paused programs by origin backend.",
      perBackend(s, (b) => b.paused),
    ),
    gauge(
      "backend_marked_programs",
      "Reasoning programs marked for pause.",
      perBackend(s, (b) => b.programs.markedForPause),
    ),
  ];
}

/** The scheduler's decisions and what passed through it. */
function schedulerFamilies(s: Stats): MetricFamily[] {
  return [
    counter("pauses_total", "Programs paused.", s.pauses),
    counter("marks_total", "Reasoning programs marked for pause.", s.marks),
    counter("restores_total", "Programs restored from the waiting queue.", s.restores),
    counter("migrations_total", "Restores onto another backend than the origin.", s.migrations),
    counter(
      "forced_resumes_total",
      "Pending requests forced through after waiting too long.",
      s.forcedResumes,
    ),
    counter("reclaimed_total", "Abandoned programs reclaimed.", s.reclaimed),
    counter("released_total", "Programs released.", s.released),
    counter("queued_new_total", "New programs queued instead of admitted.", s.queuedNew),
    counter("requests_total", "Requests that reached the scheduler.", s.requests),
    counter("failed_requests_total", "Requests that failed or were aborted.", s.failedRequests),
    counter("prompt_tokens_total", "Prompt tokens reported by backends.", s.promptTokens),
    counter(
      "completion_tokens_total",
      "Completion tokens reported by backends.",
      s.completionTokens,
    ),
    gauge("queue_length", "Paused programs in the waiting queue.", s.queueLength),
    gauge("pending_requests", "Requests waiting for their program's restore.", s.pendingRequests),
    gauge("inflight_backend_requests", "Requests in the backends.", s.inFlightRequests),
    gauge("chars_per_token", "Calibrated characters per token.", s.charsPerToken),
  ];
}

/** What the scheduling policy v2 options act on (router-core README, "Policy options"). */
function policyFamilies(s: Stats): MetricFamily[] {
  return [
    counter(
      "origin_resumes_total",
      "Restores (or forced resumes) onto the backend the program was paused from.",
      s.originResumes,
    ),
    counter(
      "lease_expiries_total",
      "Acting programs whose lease expired (--acting-lease): their tokens stopped counting.",
      s.leaseExpiries,
    ),
    counter(
      "wait_guard_swaps_total",
      "Acting programs the wait guard paused to make room for a program waiting too long.",
      s.guardSwaps,
    ),
    counter(
      "wait_guard_restores_total",
      "Programs the wait guard brought in after their request waited --wait-guard-after.",
      s.guardRestores,
    ),
    gauge(
      "longest_wait_seconds",
      "Seconds the oldest request waiting for its program's restore has waited (0 when none).",
      s.longestWaitS,
    ),
    gauge(
      "longest_paused_seconds",
      "Seconds the longest-paused program has been paused (0 when none).",
      s.longestPausedS,
    ),
  ];
}

/** How long requests waited for their program's restore. */
function pauseHistogram(s: Stats): MetricFamily {
  const h = s.pauseTimeHistogram;
  return {
    name: `${P}pause_seconds`,
    help: "How long requests waited for their program to be restored.",
    type: "histogram",
    samples: histogramSamples(h.buckets, h.counts, h.sum, h.count),
  };
}

/** Each backend's tokens and health. */
function backendFamilies(s: Stats): MetricFamily[] {
  return PER_BACKEND_GAUGES.map(([name, help, pick]) => gauge(name, help, perBackend(s, pick)));
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** One sample per wire format that has served a request. */
function* routeSamples(c: ProxyCounters, pick: keyof RouteCounts): Iterable<Sample> {
  for (const [route, counts] of c.byRoute) yield { labels: { route }, value: counts[pick] };
}

/** The proxy's own counters. */
function proxyFamilies(ctx: ProxyContext): MetricFamily[] {
  const c = ctx.counters;
  const routes = [...c.byRoute.values()];
  return [
    counter(
      "chat_requests_total",
      "Data-plane requests accepted, every route (by route: route_requests_total).",
      sum(routes.map((r) => r.requests)),
    ),
    counter(
      "chat_streams_total",
      "Streams forwarded, every route (by route: route_streams_total).",
      sum(routes.map((r) => r.streams)),
    ),
    counter("route_requests_total", "Data-plane requests accepted, by wire format.", [
      ...routeSamples(c, "requests"),
    ]),
    counter("route_streams_total", "Streams forwarded, by wire format.", [
      ...routeSamples(c, "streams"),
    ]),
    gauge("inflight_requests", "Data-plane requests being served or waiting.", c.inflight),
    gauge("waiting_requests", "Requests parked until their program is restored.", ctx.waiters.size),
    counter("upstream_errors_total", "Backends that could not be reached.", c.upstreamErrors),
    counter(
      "upstream_status_errors_total",
      "Backend answers with an error status, passed through.",
      c.upstreamStatusErrors,
    ),
    counter("client_aborts_total", "Clients that hung up.", c.clientAborts),
    counter("stream_errors_total", "Streams that ended in an error.", c.streamErrors),
    counter("streamed_bytes_total", "SSE bytes sent to clients.", c.bytesStreamed),
    counter(
      "rejected_requests_total",
      "Requests answered with an error by the proxy.",
      c.rejectedRequests,
    ),
  ];
}

/** Weight syncs (`POST /weight_sync/begin` … `end`). */
function weightSyncFamilies(ctx: ProxyContext): MetricFamily[] {
  const w = ctx.weightSync;
  return [
    gauge(
      "weight_sync_active",
      "1 while a weight sync is active (new requests wait).",
      w.active ? 1 : 0,
    ),
    counter("weight_syncs_total", "Weight syncs begun.", w.syncs),
    counter(
      "weight_sync_watchdog_ends_total",
      "Weight syncs left open and ended by the watchdog (--weight-sync-timeout).",
      w.watchdogEnds,
    ),
    gauge(
      "weight_sync_waiting_requests",
      "Requests waiting for the weight sync to end.",
      w.view().waiting_requests,
    ),
    counter(
      "scheduler_ticks_skipped_total",
      "Scheduler ticks skipped because a weight sync was active.",
      w.skippedTicks,
    ),
  ];
}
