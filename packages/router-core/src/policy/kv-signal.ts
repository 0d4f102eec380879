/**
 * The KV-usage signal and its watermarks (`kvUsageSmoothingS`, `kvHighWatermark`,
 * `kvPauseTarget`, `kvLowWatermark`), for ticks faster than the original's 5 s.
 *
 * - Smoothing: the signal is an exponentially weighted moving average of the scraped
 *   `kv_cache_usage_perc` with time constant τ = `kvUsageSmoothingS` (each sample moves it by
 *   1 − e^(−Δt/τ), Δt = seconds since the previous scrape; the first sample is taken as is;
 *   non-finite samples are skipped). null or ≤ 0 (the original): the last sample as is. The
 *   signal is what the prefix-sharing credit and the watermarks read.
 * - High watermark: a backend whose signal is ≥ `kvHighWatermark` marks reasoning programs for
 *   pause (smallest first, as the pause policy orders them) until the marked tokens cover
 *   (signal − target) · capacity, target = `kvPauseTarget` (else the low watermark, else the high
 *   one); tokens already marked count as covering it. Only reasoning programs: vLLM counts an
 *   acting program's blocks as free (evictable), so pausing it would not lower the signal (the
 *   token rule pauses acting programs). null (the original): no KV-driven marks.
 * - Low watermark: the backend takes no admissions or restores while its signal is above
 *   `kvLowWatermark` (policy/backend-gate.ts): hysteresis between the two. Dynamo's port of
 *   ThunderAgent pauses at 0.95, down to 0.80, and resumes 0.10 below the pause level (0.85).
 * @module
 */
import type { BackendState } from "../backend-state.js";
import type { Program } from "../program.js";
import type { RouterOptions } from "../options.js";

/** The next value of the signal after a scrape with usage `sample` at `now`. */
export function smoothKvUsage(
  prev: number | null,
  prevAt: number | null,
  sample: number,
  now: number,
  tauS: number | null,
): number {
  if (tauS === null || !(tauS > 0)) return sample;
  if (!Number.isFinite(sample)) return prev ?? sample;
  if (prev === null || prevAt === null || !Number.isFinite(prev)) return sample;
  const dt = Math.max(0, now - prevAt);
  return prev + (1 - Math.exp(-dt / tauS)) * (sample - prev);
}

type Watermarks = Pick<RouterOptions, "kvHighWatermark" | "kvPauseTarget" | "kvLowWatermark">;

/** Tokens the backend should still mark: (signal − target)·capacity − marked, when ≥ high. */
export function kvExcessTokens(b: BackendState, w: Watermarks): number {
  const high = w.kvHighWatermark;
  const cap = b.capacity;
  const signal = b.kvUsageSignal;
  if (high === null || cap === null || signal === null || !(signal >= high)) return 0;
  const target = w.kvPauseTarget ?? w.kvLowWatermark ?? high;
  return Math.max(0, (signal - target) * cap - b.markedTokens);
}

/**
 * Reasoning programs to mark for the KV watermark, in pause order (`ordered`: a backend's unmarked
 * reasoning programs as the pause policy orders them). `planned` are the marks the token rule
 * already plans this tick: they are skipped and their tokens count as covering `excess`.
 */
export function planKvMarks(
  ordered: readonly Program[],
  excess: number,
  planned: readonly Program[],
): Program[] {
  const out: Program[] = [];
  let left = excess;
  for (const p of planned) left -= p.totalTokens;
  const skip = new Set(planned);
  for (const p of ordered) {
    if (!(left > 0)) break;
    if (skip.has(p)) continue;
    out.push(p);
    left -= p.totalTokens;
  }
  return out;
}
