/**
 * What the routers' `step_profiles.csv` says about the window beyond the step count: how many
 * steps waited in a pause and for how long, prefill / decode / tool times, the per-step hit rate.
 * Columns are found by name in the header, so the Python original's 8-column file and any later
 * layout of ours read alike (CRLF line ends, as Python's csv module writes, included).
 * @module
 */
import { readFile } from "node:fs/promises";

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

/** Rows of a step_profiles.csv as records keyed by the header's names (no quoting needed here). */
export function parseProfileCsv(text: string): Array<Record<string, string>> {
  const lines = text.split(/\r?\n/);
  const header = lines.shift()?.split(",") ?? [];
  const rows: Array<Record<string, string>> = [];
  for (const line of lines) {
    if (line.trim() === "") continue;
    // program ids never hold commas in these runs; a quoted one is unquoted whole.
    const fields = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((f) => f.replace(/,$/, "")) ?? [];
    if (fields.length < header.length) continue; // a line cut short by a killed writer
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      row[h] = (fields[i] ?? "").replace(/^"|"$/g, "").replaceAll('""', '"');
    });
    rows.push(row);
  }
  return rows;
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
  rows: ReadonlyArray<Record<string, string>>,
  startedAt: number,
  window: { readonly startMin: number; readonly endMin: number },
  minuteS: number,
): ProfileWindowStats {
  const num = (r: Record<string, string>, k: string) => {
    const v = r[k];
    return v === undefined || v.trim() === "" ? null : Number(v);
  };
  const inWindow = rows.filter((r) => {
    const t = num(r, "completed_at");
    if (t === null || !Number.isFinite(t)) return false;
    const m = (t - startedAt) / minuteS;
    return m >= window.startMin && m < window.endMin;
  });
  const col = (k: string) =>
    inWindow.map((r) => num(r, k)).filter((x): x is number => x !== null && Number.isFinite(x));
  const pauses = col("pause_s");
  const hits = col("kv_hit_rate");
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
      parseProfileCsv(await readFile(csvPath, "utf8")),
      startedAt,
      window,
      minuteS,
    );
  } catch {
    return null;
  }
}
