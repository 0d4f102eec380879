/**
 * The engine's configuration: pool, budgets and the step-time model. The calibrated values per
 * model live in `../profiles/` (engine-sim's one home for profiles); {@link blocksForTokens}
 * turns a KV capacity in tokens into a block count.
 * @module
 */

/** The step-time model (docs/simulator-facts.md, "Engine"). */
export interface EngineTiming {
  /** Prefill cost per token at prefix length L = prefillBaseUs + prefillPerKUs · L / 1000 (µs). */
  prefillBaseUs: number;
  prefillPerKUs: number;
  /** Per forward pass: decodeBaseMs + decodePerSeqMs · B + decodePerMTokMs · K / 1e6 (ms). */
  decodeBaseMs: number;
  decodePerSeqMs: number;
  decodePerMTokMs: number;
}

/** Continuum's pin-on-finish as its released code does it (docs/simulator-facts.md, "Continuum"). */
export interface ContinuumConfig {
  /** How long a finished request's KV stays pinned (vLLM-continuum: 2.0 s). */
  ttlS: number;
  /** Pin only if the tool key's running mean is at most this (or the tool was never seen): 2.0 s. */
  maxMeanToolS: number;
}

export interface EngineConfig {
  /** Blocks in the pool, including vLLM's null block (so usable = numGpuBlocks − 1). */
  numGpuBlocks: number;
  blockSize: number;
  maxNumBatchedTokens: number;
  maxNumSeqs: number;
  maxModelLen: number;
  timing: EngineTiming;
  continuum?: ContinuumConfig | null;
}

/** Blocks for a KV capacity in tokens (vLLM's `num_gpu_blocks`, capacity = blocks × block size). */
export function blocksForTokens(kvTokens: number, blockSize: number): number {
  return Math.floor(kvTokens / blockSize);
}

/** Continuum's released defaults. */
export const CONTINUUM_DEFAULTS: ContinuumConfig = Object.freeze({ ttlS: 2.0, maxMeanToolS: 2.0 });

/** Overrides of a profile: any field, `timing` partially. */
export type EngineConfigOverrides = Partial<Omit<EngineConfig, "timing">> & {
  timing?: Partial<EngineTiming>;
};

/** Throws a RangeError naming the first bad field. */
export function validateEngineConfig(config: EngineConfig): void {
  const ints: Array<[string, number, number]> = [
    ["numGpuBlocks", config.numGpuBlocks, 2],
    ["blockSize", config.blockSize, 1],
    ["maxNumBatchedTokens", config.maxNumBatchedTokens, 1],
    ["maxNumSeqs", config.maxNumSeqs, 1],
    ["maxModelLen", config.maxModelLen, 2],
  ];
  for (const [name, value, min] of ints) {
    if (!Number.isInteger(value) || value < min) {
      throw new RangeError(`engine config: ${name} must be an integer ≥ ${min}, got ${value}`);
    }
  }
  for (const [name, value] of Object.entries(config.timing)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`engine config: timing.${name} must be a number ≥ 0, got ${value}`);
    }
  }
  const c = config.continuum;
  if (c && (!(c.ttlS >= 0) || !(c.maxMeanToolS >= 0))) {
    throw new RangeError("engine config: continuum.ttlS and maxMeanToolS must be ≥ 0");
  }
}
