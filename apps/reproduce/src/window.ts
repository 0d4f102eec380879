/**
 * Steps/min as the paper counts it: LLM calls completed inside the window (minutes A–B after the
 * run's start) divided by the window's length. Pure: completion times in, numbers out. In a
 * simulated run a "minute" is a simulated minute, `minuteS` real seconds long.
 * @module
 */
import { ReproduceError } from "./errors.js";

/** One completed LLM call: when it finished (Unix s) and, when known, its prefix-cache hits. */
export interface StepCompletion {
  readonly completedAt: number;
  /** Fraction of the prompt served from the prefix cache (router profile rows). */
  readonly kvHitRate?: number | null;
  /** Token counts (runner trajectories): the hit rate is then token-weighted. */
  readonly promptTokens?: number | null;
  readonly cachedTokens?: number | null;
}

export interface Window {
  readonly startMin: number;
  readonly endMin: number;
}

export interface WindowCount {
  readonly stepsCounted: number;
  readonly stepsPerMin: number;
  readonly totalSteps: number;
  /** Steps completed in each whole minute since the start (index 0 = minute [0, 1)). */
  readonly series: number[];
  /** Mean prefix-cache hit rate inside the window, or null when nothing reported one. */
  readonly kvHitRate: number | null;
}

export function countWindow(
  steps: readonly StepCompletion[],
  startedAt: number,
  window: Window,
  minuteS = 60,
): WindowCount {
  if (!(window.endMin > window.startMin)) {
    throw new ReproduceError("invalid_window", "the window's end must follow its start");
  }
  if (!(minuteS > 0)) throw new ReproduceError("invalid_window", "minuteS must be positive");
  let counted = 0;
  let lastMinute = Math.ceil(window.endMin) - 1;
  const minutes: number[] = [];
  let rateSum = 0;
  let rateN = 0;
  let promptSum = 0;
  let cachedSum = 0;
  for (const s of steps) {
    const m = (s.completedAt - startedAt) / minuteS;
    minutes.push(m);
    if (m >= 0) lastMinute = Math.max(lastMinute, Math.floor(m));
    if (m >= window.startMin && m < window.endMin) {
      counted++;
      if (s.promptTokens != null && s.cachedTokens != null) {
        promptSum += s.promptTokens;
        cachedSum += Math.min(s.cachedTokens, s.promptTokens);
      } else if (s.kvHitRate != null) {
        rateSum += s.kvHitRate;
        rateN++;
      }
    }
  }
  const series = new Array<number>(Math.max(0, lastMinute + 1)).fill(0);
  for (const m of minutes) {
    if (m < 0) continue;
    const i = Math.floor(m);
    series[i] = (series[i] ?? 0) + 1;
  }
  const kvHitRate =
    promptSum > 0
      ? cachedSum / promptSum
      : rateN > 0
        ? Math.min(1, Math.max(0, rateSum / rateN))
        : null;
  return {
    stepsCounted: counted,
    stepsPerMin: counted / (window.endMin - window.startMin),
    totalSteps: steps.length,
    series,
    kvHitRate,
  };
}

/**
 * The count with its series cut to the whole minutes before `endMin` (minutes since the start at
 * which the run was stopped): the last, partial minute would read as a throughput collapse.
 */
export function wholeMinutes(count: WindowCount, endMin: number): WindowCount {
  if (!Number.isFinite(endMin) || endMin <= 0) return count;
  const whole = Math.floor(endMin + 1e-9);
  return count.series.length > whole ? { ...count, series: count.series.slice(0, whole) } : count;
}
