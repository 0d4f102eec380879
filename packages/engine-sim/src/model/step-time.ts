/**
 * The step-time model (docs/simulator-facts.md, "Engine"): one forward pass costs the decode time of its batch
 * (base + per sequence + per million tokens of context) plus the prefill cost of every prompt
 * token it computes, growing linearly with the token's position (attention over the prefix).
 * @module
 */
import type { EngineTiming } from "./config.js";

/** µs to prefill tokens at positions [start, start + n). */
export function prefillCostUs(timing: EngineTiming, start: number, n: number): number {
  if (n <= 0) return 0;
  // Σ_{L=start}^{start+n−1} (base + perK·L/1000) = n·base + perK/1000 · n·(2·start + n − 1)/2
  return n * timing.prefillBaseUs + (timing.prefillPerKUs * n * (2 * start + n - 1)) / 2000;
}

/** Accumulates one step's work and returns its duration in seconds. */
export class StepCost {
  private decodeSeqs = 0;
  private decodeContext = 0;
  private prefillUs = 0;
  private any = false;

  constructor(private readonly timing: EngineTiming) {}

  reset(): void {
    this.decodeSeqs = 0;
    this.decodeContext = 0;
    this.prefillUs = 0;
    this.any = false;
  }

  /** A decode of one token for a sequence whose context is `context` tokens. */
  addDecode(context: number): void {
    this.decodeSeqs++;
    this.decodeContext += context;
    this.any = true;
  }

  /** A prefill chunk of `n` tokens starting at position `start`. */
  addPrefill(start: number, n: number): void {
    this.prefillUs += prefillCostUs(this.timing, start, n);
    this.any = true;
  }

  seconds(): number {
    if (!this.any) return 0;
    const t = this.timing;
    const ms =
      t.decodeBaseMs +
      t.decodePerSeqMs * this.decodeSeqs +
      (t.decodePerMTokMs * this.decodeContext) / 1e6;
    return ms / 1000 + this.prefillUs / 1e6;
  }
}
