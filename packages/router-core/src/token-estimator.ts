/**
 * Token estimation before a response tells the truth: characters of the request payload divided
 * by a global chars-per-token ratio. The ratio starts at `initial` (5.0); the first response with
 * prompt tokens sets it to chars/prompt_tokens, later ones move it by 0.2·sample + 0.8·old.
 * @module
 */
export class TokenEstimator {
  private ratio: number;
  private calibrated = false;

  constructor(initialCharsPerToken: number) {
    this.ratio = initialCharsPerToken > 0 ? initialCharsPerToken : 5.0;
  }

  get charsPerToken(): number {
    return this.ratio;
  }

  get isCalibrated(): boolean {
    return this.calibrated;
  }

  /** Whole tokens for `chars` characters (floored, like the original's int()). */
  estimate(chars: number): number {
    if (!(chars > 0)) return 0;
    return Math.floor(chars / this.ratio);
  }

  /** Calibrates from one finished request: its payload chars and the prompt tokens it cost. */
  observe(chars: number, promptTokens: number): void {
    const next = calibratedRatio(this.calibrated ? this.ratio : null, chars, promptTokens);
    if (next === null) return;
    this.ratio = next;
    this.calibrated = true;
  }
}

/**
 * The calibration rule: `old` (null before any sample) moved by one request's chars / prompt
 * tokens: the first sample is taken as is, later ones as 0.2·sample + 0.8·old; `old` unchanged
 * when the request gives no sample (no chars or no prompt tokens).
 */
export function calibratedRatio(
  old: number | null,
  chars: number,
  promptTokens: number,
): number | null {
  if (!(chars > 0) || !(promptTokens > 0)) return old;
  const sample = chars / promptTokens;
  return old === null ? sample : 0.2 * sample + 0.8 * old;
}
