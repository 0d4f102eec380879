/**
 * Snapshots in the Python ThunderAgent's exact JSON shapes (`@thunderagent/protocol`):
 * `/programs`, `/health`, `/metrics` (JSON), `/profiles`, `/profiles/:id`. O(programs).
 * @module
 */
import type {
  BackendMetricsInfo,
  HealthResponse,
  MetricsResponse,
  ProgramProfileSummary,
  ProgramsResponse,
  ProfilesResponse,
} from "@thunderagent/protocol";
import type { BackendState } from "./backend-state.js";
import type { Program } from "./program.js";
import { activeTokens, capacityOverflow } from "./capacity.js";
import type { RouterState } from "./router-state.js";

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;
const int = (x: number): number => (Number.isFinite(x) && x > 0 ? Math.floor(x) : 0);
const nonNeg = (x: number): number => (Number.isFinite(x) && x > 0 ? x : 0);

/**
 * Sets `out[key]` as an own property, so that a program id such as `"__proto__"` is a key like any
 * other (plain assignment would call the prototype setter and drop it).
 */
export function setOwn<T>(out: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

type ProgramInfo = ProgramsResponse[string];

function programInfo(s: RouterState, p: Program): ProgramInfo {
  return {
    backend: p.state === "active" ? p.backend : null,
    context_len: int(p.contextChars),
    total_tokens: int(p.totalTokens),
    step_count: p.stepCount,
    status: p.status,
    state: p.state,
    ...(s.opts.profile && p.profile ? { profile: p.profile.summary() } : {}),
  };
}

export function programsView(s: RouterState): ProgramsResponse {
  const out: ProgramsResponse = {};
  for (const [id, info] of programEntries(s)) setOwn(out, id, info);
  return out;
}

/**
 * `/programs` one entry at a time, lazily (a caller serialising 100,000 programs can yield to its
 * event loop between batches). Programs added or released meanwhile may or may not be listed.
 */
export function* programEntries(s: RouterState): Generator<[string, ProgramInfo]> {
  for (const p of s.programs.values()) yield [p.id, programInfo(s, p)];
}

/** `future_paused_tokens` as the options define it (FuturePausedTokens). */
function futurePaused(s: RouterState, b: BackendState): number {
  return s.opts.futurePausedTokens === "original" ? b.futurePausedCounter : b.markedTokens;
}

function pausedByOrigin(s: RouterState): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of s.queue.values()) {
    if (p.originBackend !== null)
      counts.set(p.originBackend, (counts.get(p.originBackend) ?? 0) + 1);
  }
  return counts;
}

export function healthView(s: RouterState): HealthResponse {
  let reasoning = 0;
  let acting = 0;
  for (const p of s.programs.values()) {
    if (p.status === "reasoning") reasoning++;
    else acting++;
  }
  const paused = pausedByOrigin(s);
  const perBackend: HealthResponse["per_backend"] = {};
  for (const b of s.backendList) {
    perBackend[b.url] = {
      total: b.programCount,
      reasoning: b.reasoningCount,
      acting: b.actingCount,
      paused: paused.get(b.url) ?? 0,
      marked_for_pause: b.markedCount,
      future_paused_tokens: int(futurePaused(s, b)),
    };
  }
  return {
    status: "ok",
    router_mode: s.opts.mode,
    scheduling_enabled: s.mode.schedulingEnabled,
    backends: s.backendList.map((b) => b.url),
    programs_count: s.programs.size,
    reasoning_count: reasoning,
    acting_count: acting,
    paused_count: s.queue.size,
    per_backend: perBackend,
    profile_enabled: s.opts.profile,
  };
}

/**
 * `cache_config` as the original shows it. SGLang and SkyRL report no block count: the block size
 * is SGLang's page size (else 1) and the count is capacity ÷ block size.
 */
function cacheConfig(blockSize: number | null, numGpuBlocks: number | null, capacity: number) {
  const size = int(blockSize ?? 1) || 1;
  return {
    block_size: size,
    num_gpu_blocks: numGpuBlocks !== null ? int(numGpuBlocks) : Math.floor(capacity / size),
    total_tokens_capacity: capacity,
  };
}

function backendMetrics(
  s: RouterState,
  b: BackendState,
  pausedCount: number,
  monitoring: boolean,
): BackendMetricsInfo {
  const active = Math.floor(activeTokens(b, s.opts.actingTokenWeight));
  const cap = b.capacity;
  const snap = b.snapshot;
  const capInt = cap !== null ? int(cap) : null;
  return {
    url: b.url,
    active_program_tokens: active,
    reasoning_program_tokens: b.reasoningTokens,
    acting_program_tokens: b.actingTokens,
    active_program_count: b.programCount,
    reasoning_program_count: b.reasoningCount,
    acting_program_count: b.actingCount,
    active_program_tokens_ratio: capInt ? round4(active / capInt) : 0,
    total_program_tokens: b.reasoningTokens + b.actingTokens,
    paused_program_count: pausedCount,
    future_paused_tokens: futurePaused(s, b),
    shared_tokens: b.sharedTokens,
    buffer_per_program: int(s.opts.bufferPerProgram),
    capacity_overflow: Math.floor(capacityOverflow(b, s.cap)),
    healthy: b.healthy,
    monitoring,
    cache_config:
      capInt !== null
        ? cacheConfig(snap?.blockSize ?? null, snap?.numGpuBlocks ?? null, capInt)
        : null,
    metrics:
      snap !== null
        ? {
            num_requests_running: nonNeg(snap.numRequestsRunning),
            num_requests_waiting: nonNeg(snap.numRequestsWaiting),
            kv_cache_usage_perc: Math.min(1, nonNeg(snap.kvCacheUsage)),
            prefix_cache_hit_rate:
              snap.prefixCacheQueries > 0
                ? Math.min(1, round4(nonNeg(snap.prefixCacheHits) / snap.prefixCacheQueries))
                : 0,
            prefix_cache_queries: nonNeg(snap.prefixCacheQueries),
            prefix_cache_hits: nonNeg(snap.prefixCacheHits),
            prompt_tokens_total: nonNeg(snap.promptTokens),
            generation_tokens_total: nonNeg(snap.generationTokens),
            num_preemptions: nonNeg(snap.numPreemptions),
            requests_completed: nonNeg(snap.requestsCompleted),
            last_updated: b.lastUpdated ?? 0,
            history_size: b.historySize,
          }
        : null,
  };
}

export function metricsView(
  s: RouterState,
  opts: { metricsEnabled: boolean; metricsInterval: number | null; now: number },
): MetricsResponse {
  const paused = pausedByOrigin(s);
  const backends: MetricsResponse["backends"] = {};
  for (const b of s.backendList) {
    backends[b.url] = backendMetrics(s, b, paused.get(b.url) ?? 0, opts.metricsEnabled);
  }
  return {
    metrics_enabled: opts.metricsEnabled,
    metrics_interval:
      opts.metricsEnabled && opts.metricsInterval !== null && opts.metricsInterval > 0
        ? opts.metricsInterval
        : null,
    backends,
  };
}

export function profilesView(s: RouterState): ProfilesResponse {
  const out: ProfilesResponse = {};
  for (const p of s.programs.values()) if (p.profile) setOwn(out, p.id, p.profile.summary());
  return out;
}

export function profileView(s: RouterState, programId: string): ProgramProfileSummary | undefined {
  return s.programs.get(programId)?.profile?.summary();
}
