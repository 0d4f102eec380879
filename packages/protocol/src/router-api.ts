/**
 * The router's REST bodies, field for field as the Python ThunderAgent answers them
 * (docs/original-api.md): `/programs`, `/programs/release`, `/health`, `/metrics` (JSON),
 * `/profiles`, `/profiles/:id`. Strict objects: a field we add or drop by mistake fails validation.
 * @module
 */
import { z } from "zod";
import { ProgramId } from "./chat-request.js";

const count = z.number().int().nonnegative();

export const ProgramStatus = z.enum(["reasoning", "acting"]);
export type ProgramStatus = z.infer<typeof ProgramStatus>;

export const ProgramState = z.enum(["active", "paused", "terminated"]);
export type ProgramState = z.infer<typeof ProgramState>;

/** `--router`: the scheduling modes (declared here once; router-core, the proxy and reproduce import it). */
export const RouterMode = z.enum(["default", "tr"]);
export type RouterMode = z.infer<typeof RouterMode>;

/** Per-program averages over its finished steps (`/profiles`, and `profile` in `/programs`). */
export const ProgramProfileSummary = z.strictObject({
  step_count: count,
  avg_prefill_s: z.number().nonnegative(),
  avg_decode_s: z.number().nonnegative(),
  avg_pause_s: z.number().nonnegative(),
  avg_tool_call_s: z.number().nonnegative(),
  avg_kv_hit_rate: z.number().min(0).max(1).nullable(),
  /**
   * Token averages over the steps that reported the count; null when none did. Upstream added them
   * in 2026 (absent from the Python original's older answers, hence optional); we always send them.
   */
  avg_prompt_tokens: z.number().nonnegative().nullable().optional(),
  avg_completion_tokens: z.number().nonnegative().nullable().optional(),
  avg_cached_tokens: z.number().nonnegative().nullable().optional(),
});
export type ProgramProfileSummary = z.infer<typeof ProgramProfileSummary>;

/** One program in `GET /programs`; `backend` is null while paused; `profile` only with `--profile`. */
export const ProgramInfo = z.strictObject({
  backend: z.string().nullable(),
  context_len: count,
  total_tokens: count,
  step_count: count,
  status: ProgramStatus,
  state: ProgramState,
  profile: ProgramProfileSummary.optional(),
});
export type ProgramInfo = z.infer<typeof ProgramInfo>;

export const ProgramsResponse = z.record(z.string(), ProgramInfo);
export type ProgramsResponse = z.infer<typeof ProgramsResponse>;

export const ReleaseRequest = z.looseObject({ program_id: ProgramId });
export type ReleaseRequest = z.infer<typeof ReleaseRequest>;

export const ReleaseResponse = z.strictObject({ program_id: z.string(), released: z.boolean() });
export type ReleaseResponse = z.infer<typeof ReleaseResponse>;

export const BackendHealth = z.strictObject({
  total: count,
  reasoning: count,
  acting: count,
  paused: count,
  marked_for_pause: count,
  future_paused_tokens: count,
});
export type BackendHealth = z.infer<typeof BackendHealth>;

/**
 * `weight_sync` in `/health` (ours and today's upstream; absent from the Python original's older
 * answers): an RL trainer's weight broadcast between `POST /weight_sync/begin` and `/end`.
 */
export const WeightSyncState = z.strictObject({
  active: z.boolean(),
  /** Unix seconds when the active sync began; null when none is active. */
  since: z.number().nullable(),
  timeout_s: z.number().positive(),
  waiting_requests: count,
  syncs_total: count,
  watchdog_ends_total: count,
});
export type WeightSyncState = z.infer<typeof WeightSyncState>;

/**
 * `/health`. `status` is the original's `"ok"` while some backend is healthy; the proxy answers
 * `"unavailable"` (HTTP 503) when none is, and adds `healthy_backends` (the count).
 */
export const HealthResponse = z.strictObject({
  status: z.enum(["ok", "unavailable"]),
  healthy_backends: count.optional(),
  router_mode: RouterMode,
  scheduling_enabled: z.boolean(),
  backends: z.array(z.string()),
  programs_count: count,
  reasoning_count: count,
  acting_count: count,
  paused_count: count,
  per_backend: z.record(z.string(), BackendHealth),
  profile_enabled: z.boolean(),
  weight_sync: WeightSyncState.optional(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

export const CacheConfigInfo = z.strictObject({
  block_size: count,
  num_gpu_blocks: count,
  total_tokens_capacity: count,
});
export type CacheConfigInfo = z.infer<typeof CacheConfigInfo>;

/** What the router last scraped from one backend's `/metrics`. */
export const BackendScrapedMetrics = z.strictObject({
  num_requests_running: z.number().nonnegative(),
  num_requests_waiting: z.number().nonnegative(),
  kv_cache_usage_perc: z.number().min(0).max(1),
  prefix_cache_hit_rate: z.number().min(0).max(1),
  prefix_cache_queries: z.number().nonnegative(),
  prefix_cache_hits: z.number().nonnegative(),
  prompt_tokens_total: z.number().nonnegative(),
  generation_tokens_total: z.number().nonnegative(),
  num_preemptions: z.number().nonnegative(),
  requests_completed: z.number().nonnegative(),
  last_updated: z.number(),
  history_size: count,
});
export type BackendScrapedMetrics = z.infer<typeof BackendScrapedMetrics>;

export const BackendMetricsInfo = z.strictObject({
  url: z.string(),
  active_program_tokens: z.number(),
  reasoning_program_tokens: z.number(),
  acting_program_tokens: z.number(),
  active_program_count: count,
  reasoning_program_count: count,
  acting_program_count: count,
  active_program_tokens_ratio: z.number(),
  total_program_tokens: z.number(),
  paused_program_count: count,
  future_paused_tokens: z.number(),
  shared_tokens: z.number(),
  buffer_per_program: count,
  capacity_overflow: z.number(),
  healthy: z.boolean(),
  monitoring: z.boolean(),
  cache_config: CacheConfigInfo.nullable(),
  metrics: BackendScrapedMetrics.nullable(),
});
export type BackendMetricsInfo = z.infer<typeof BackendMetricsInfo>;

export const MetricsResponse = z.strictObject({
  metrics_enabled: z.boolean(),
  metrics_interval: z.number().positive().nullable(),
  backends: z.record(z.string(), BackendMetricsInfo),
});
export type MetricsResponse = z.infer<typeof MetricsResponse>;

export const ProfilesResponse = z.record(z.string(), ProgramProfileSummary);
export type ProfilesResponse = z.infer<typeof ProfilesResponse>;

/** `GET /profiles/:id` answers one program's summary alone. */
export const ProfileResponse = ProgramProfileSummary;
export type ProfileResponse = ProgramProfileSummary;
