/**
 * Per-step profile (`--profile`): tool_call time (previous response end → this request arrives),
 * pause time (arrive → forwarded), prefill (forwarded → first token), decode (first → last token),
 * token counts of the usage, KV hit rate (cached/prompt tokens). One StepProfileRow per finished step, and per-program
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
  completionTokens: number;
  cachedTokens: number | null;
}

/** A token count as the usage gave it: a whole number ≥ 0, else unknown. */
const tokenCount = (n: number | null): number | null =>
  n !== null && Number.isInteger(n) && n >= 0 ? n : null;

export function buildStepRow(t: StepTimes): StepProfileRow {
  const forwarded = t.forwardedAt ?? t.arrivedAt;
  const first = t.firstTokenAt ?? t.completedAt;
  const prompt = tokenCount(t.promptTokens);
  const cached = tokenCount(t.cachedTokens);
  const kv = cached !== null && prompt !== null && prompt > 0 ? Math.min(1, cached / prompt) : null;
  return {
    program_id: t.programId,
    step_id: Math.max(1, t.step),
    prefill_s: nonNeg(first - forwarded),
    decode_s: nonNeg(t.completedAt - first),
    pause_s: nonNeg(forwarded - t.arrivedAt),
    tool_call_s: nonNeg(t.toolCallS),
    prompt_tokens: prompt,
    completion_tokens: tokenCount(t.completionTokens),
    cached_tokens: cached,
    kv_hit_rate: kv,
    completed_at: nonNeg(t.completedAt),
  };
}

/** Sum and count of a column whose value may be unknown. */
class KnownMean {
  private sum = 0;
  private n = 0;

  add(x: number | null): void {
    if (x === null) return;
    this.sum += x;
    this.n++;
  }

  /** Rounded to 4 decimals; null when no value was known. */
  value(): number | null {
    return this.n > 0 ? round4(this.sum / this.n) : null;
  }
}

/** Running sums of one program's rows. */
export class ProfileAccumulator {
  steps = 0;
  private prefill = 0;
  private decode = 0;
  private pause = 0;
  private tool = 0;
  private readonly kv = new KnownMean();
  private readonly prompt = new KnownMean();
  private readonly completion = new KnownMean();
  private readonly cached = new KnownMean();

  add(row: StepProfileRow): void {
    this.steps++;
    this.prefill += row.prefill_s;
    this.decode += row.decode_s;
    this.pause += row.pause_s;
    this.tool += row.tool_call_s;
    this.kv.add(row.kv_hit_rate);
    this.prompt.add(row.prompt_tokens);
    this.completion.add(row.completion_tokens);
    this.cached.add(row.cached_tokens);
  }

  /** Averages rounded to 4 decimals; those of unknown values null when no step knew them. */
  summary(): ProgramProfileSummary {
    const n = this.steps;
    const avg = (x: number): number => (n > 0 ? round4(x / n) : 0);
    return {
      step_count: n,
      avg_prefill_s: avg(this.prefill),
      avg_decode_s: avg(this.decode),
      avg_pause_s: avg(this.pause),
      avg_tool_call_s: avg(this.tool),
      avg_kv_hit_rate: ((kv) => (kv === null ? null : Math.min(1, kv)))(this.kv.value()),
      avg_prompt_tokens: this.prompt.value(),
      avg_completion_tokens: this.completion.value(),
      avg_cached_tokens: this.cached.value(),
    };
  }
}
