/**
 * Per-step profile (`--profile`): tool_call time (previous response end → this request arrives),
 * pause time (arrive → forwarded), prefill (forwarded → first token), decode (first → last token),
 * KV hit rate (cached/prompt tokens). One StepProfileRow per finished step, and per-program
 * averages for `/profiles`. A response that never reported a first token (non-streaming) counts
 * all of forwarded → end as prefill and 0 as decode.
 * @module
 */
import type { ProgramProfileSummary, StepProfileRow } from "@thunderagent/protocol";

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;
const nonNeg = (x: number): number => (x > 0 && Number.isFinite(x) ? x : 0);

export interface StepTimes {
  programId: string;
  step: number;
  arrivedAt: number;
  forwardedAt: number | null;
  firstTokenAt: number | null;
  completedAt: number;
  toolCallS: number;
  promptTokens: number;
  cachedTokens: number | null;
}

export function buildStepRow(t: StepTimes): StepProfileRow {
  const forwarded = t.forwardedAt ?? t.arrivedAt;
  const first = t.firstTokenAt ?? t.completedAt;
  const kv =
    t.cachedTokens !== null && t.promptTokens > 0
      ? Math.min(1, Math.max(0, t.cachedTokens / t.promptTokens))
      : null;
  return {
    program_id: t.programId,
    step_id: Math.max(1, t.step),
    prefill_s: nonNeg(first - forwarded),
    decode_s: nonNeg(t.completedAt - first),
    pause_s: nonNeg(forwarded - t.arrivedAt),
    tool_call_s: nonNeg(t.toolCallS),
    kv_hit_rate: kv,
    completed_at: nonNeg(t.completedAt),
  };
}

/** Running sums of one program's rows. */
export class ProfileAccumulator {
  steps = 0;
  private prefill = 0;
  private decode = 0;
  private pause = 0;
  private tool = 0;
  private kvSum = 0;
  private kvCount = 0;

  add(row: StepProfileRow): void {
    this.steps++;
    this.prefill += row.prefill_s;
    this.decode += row.decode_s;
    this.pause += row.pause_s;
    this.tool += row.tool_call_s;
    if (row.kv_hit_rate !== null) {
      this.kvSum += row.kv_hit_rate;
      this.kvCount++;
    }
  }

  /** Averages rounded to 4 decimals; avg_kv_hit_rate null when no step reported cached tokens. */
  summary(): ProgramProfileSummary {
    const n = this.steps;
    const avg = (x: number): number => (n > 0 ? round4(x / n) : 0);
    return {
      step_count: n,
      avg_prefill_s: avg(this.prefill),
      avg_decode_s: avg(this.decode),
      avg_pause_s: avg(this.pause),
      avg_tool_call_s: avg(this.tool),
      avg_kv_hit_rate: this.kvCount > 0 ? Math.min(1, round4(this.kvSum / this.kvCount)) : null,
    };
  }
}
