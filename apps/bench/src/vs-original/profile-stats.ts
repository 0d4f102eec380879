/**
 * What the routers' `step_profiles.csv` says about the window beyond the step count: how many
 * steps waited in a pause and for how long, prefill / decode / tool times, the per-step hit rate.
 * The file is read by protocol's one parser (`decodeStepProfileCsv`), which takes the Python
 * original's 8-column file and today's 11-column one alike (CRLF line ends, as Python's csv module
 * writes, included).
 * @module
 */
import { readFile } from "node:fs/promises";
import { decodeStepProfileCsv, type StepProfileRow } from "@thunderagent/protocol";

export interface ProfileWindowStats {
  readonly steps: number;
  readonly programs: number;
  /** Steps that waited in a pause (pause_s > PAUSED_STEP_MIN_S) before being forwarded. */
  readonly pausedSteps: number;
  readonly pauseS: { readonly mean: number; readonly total: number };
  readonly prefillSMean: number;
  readonly decodeSMean: number;
  readonly toolCallSMean: number;
  /** Mean of the rows' kv_hit_rate (rows without one skipped); null when none has one. */
  readonly kvHitRateMean: number | null;
}

/**
 * A step counts as paused when its pause_s exceeds 10 ms (real time). The Python original records
 * the sub-millisecond gap between a request's arrival and its forwarding as pause time on every
 * step (0.0001 s and up); a real pause lasts at least one scheduler tick (0.125 s at the default
 * time scale).
 */
export const PAUSED_STEP_MIN_S = 0.01;

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function windowStats(
  rows: readonly StepProfileRow[],
  startedAt: number,
  window: { readonly startMin: number; readonly endMin: number },
  minuteS: number,
): ProfileWindowStats {
  const inWindow = rows.filter((r) => {
    const m = (r.completed_at - startedAt) / minuteS;
    return m >= window.startMin && m < window.endMin;
  });
  const col = (k: "pause_s" | "prefill_s" | "decode_s" | "tool_call_s") =>
    inWindow.map((r) => r[k]);
  const pauses = col("pause_s");
  const hits = inWindow.map((r) => r.kv_hit_rate).filter((x): x is number => x !== null);
  return {
    steps: inWindow.length,
    programs: new Set(inWindow.map((r) => r.program_id)).size,
    pausedSteps: pauses.filter((p) => p > PAUSED_STEP_MIN_S).length,
    pauseS: { mean: mean(pauses), total: pauses.reduce((a, b) => a + b, 0) },
    prefillSMean: mean(col("prefill_s")),
    decodeSMean: mean(col("decode_s")),
    toolCallSMean: mean(col("tool_call_s")),
    kvHitRateMean: hits.length ? mean(hits) : null,
  };
}

export async function readWindowStats(
  csvPath: string,
  startedAt: number,
  window: { readonly startMin: number; readonly endMin: number },
  minuteS: number,
): Promise<ProfileWindowStats | null> {
  try {
    return windowStats(
      decodeStepProfileCsv(await readFile(csvPath, "utf8")),
      startedAt,
      window,
      minuteS,
    );
  } catch {
    return null;
  }
}
