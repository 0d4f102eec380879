/**
 * Per-program token estimation (`tokenEstimate`, `restoreNeed`).
 *
 * - `tokenEstimate` "per-program": a request's tokens are its payload chars ÷ its program's own
 *   chars-per-token ratio (calibrated from that program's responses by the same rule as the
 *   global one: first sample, then 0.2·sample + 0.8·old); a program without a response yet uses
 *   the global ratio. "global" (the original): one ratio for every program.
 * - `restoreNeed` "next-step": restoring a paused acting program asks for room for its next
 *   step, its tokens + its own growth per step (smoothed 0.2·sample + 0.8·old over the growth of
 *   `usage.total_tokens` between its responses, never negative). "tokens" (the original): its
 *   current tokens. A program with a waiting request already carries its next step's estimate.
 * @module
 */
import type { Program } from "../program.js";
import type { TokenEstimator } from "../token-estimator.js";
import { calibratedRatio } from "../token-estimator.js";

export type TokenEstimate = "global" | "per-program";
export const TOKEN_ESTIMATES: readonly TokenEstimate[] = ["global", "per-program"];
export type RestoreNeed = "tokens" | "next-step";
export const RESTORE_NEEDS: readonly RestoreNeed[] = ["tokens", "next-step"];

/** Whole tokens for a request of `chars` characters of program `p`. */
export function requestTokens(
  mode: TokenEstimate,
  global: TokenEstimator,
  p: Program,
  chars: number,
): number {
  if (mode !== "per-program" || p.charsPerToken === null) return global.estimate(chars);
  return chars > 0 ? Math.floor(chars / p.charsPerToken) : 0;
}

/** Records one finished request of `p` (payload chars, prompt tokens, total tokens after it). */
export function observeUsage(
  p: Program,
  chars: number,
  promptTokens: number,
  totalTokens: number,
): void {
  p.charsPerToken = calibratedRatio(p.charsPerToken, chars, promptTokens);
  if (!(totalTokens >= 0) || !Number.isFinite(totalTokens)) return;
  const last = p.lastUsageTokens;
  p.lastUsageTokens = totalTokens;
  if (last === null) return;
  const sample = Math.max(0, totalTokens - last);
  p.growthPerStep = p.growthPerStep === null ? sample : 0.2 * sample + 0.8 * p.growthPerStep;
}

/** The tokens its next step will hold: current + own growth per step (0 before two usages). */
export function nextStepTokens(p: Program): number {
  return p.totalTokens + Math.floor(p.growthPerStep ?? 0);
}
