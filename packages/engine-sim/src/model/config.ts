/**
 * Engine configuration and the two calibrated profiles (workload.md §B, §C, §D and the parameter
 * table). Every field can be overridden; {@link engineConfig} builds a config from a profile plus
 * overrides, and {@link blocksForTokens} turns a KV capacity in tokens into a block count.
 * @module
 */

export type EngineProfileName = "glm4.6" | "qwen3-235b";

/** The step-time model (workload.md §D). */
export interface EngineTiming {
  /** Prefill cost per token at prefix length L = prefillBaseUs + prefillPerKUs · L / 1000 (µs). */
  prefillBaseUs: number;
  prefillPerKUs: number;
  /** Per forward pass: decodeBaseMs + decodePerSeqMs · B + decodePerMTokMs · K / 1e6 (ms). */
  decodeBaseMs: number;
  decodePerSeqMs: number;
  decodePerMTokMs: number;
}

/** Continuum's pin-on-finish (workload.md §E, "what the released code actually does"). */
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

/**
 * GLM-4.6-FP8 and Qwen3-235B (FP8) on 8×H100, TP=8, vLLM defaults (block 16, 8192/1024 budgets,
 * max_model_len from the model config). KV capacity 1.16M and 1.75M tokens.
 */
export const ENGINE_PROFILES: Record<EngineProfileName, EngineConfig> = Object.freeze({
  "glm4.6": Object.freeze({
    numGpuBlocks: blocksForTokens(1_160_000, 16),
    blockSize: 16,
    maxNumBatchedTokens: 8192,
    maxNumSeqs: 1024,
    maxModelLen: 202_752,
    timing: Object.freeze({
      prefillBaseUs: 10,
      prefillPerKUs: 1.4,
      decodeBaseMs: 20,
      decodePerSeqMs: 0.18,
      decodePerMTokMs: 10,
    }),
    continuum: null,
  }),
  "qwen3-235b": Object.freeze({
    numGpuBlocks: blocksForTokens(1_750_000, 16),
    blockSize: 16,
    maxNumBatchedTokens: 8192,
    maxNumSeqs: 1024,
    maxModelLen: 262_144,
    timing: Object.freeze({
      prefillBaseUs: 7,
      prefillPerKUs: 0.95,
      decodeBaseMs: 14,
      decodePerSeqMs: 0.12,
      decodePerMTokMs: 10,
    }),
    continuum: null,
  }),
});

export const ENGINE_PROFILE_NAMES: readonly EngineProfileName[] = ["glm4.6", "qwen3-235b"];

/** Overrides of a profile: any field, `timing` partially. */
export type EngineConfigOverrides = Partial<Omit<EngineConfig, "timing">> & {
  timing?: Partial<EngineTiming>;
};

/** A fresh config: the profile with the overrides applied, validated. */
export function engineConfig(
  profile: EngineProfileName,
  overrides: EngineConfigOverrides = {},
): EngineConfig {
  const base = ENGINE_PROFILES[profile];
  const { timing, ...rest } = overrides;
  const config: EngineConfig = {
    ...base,
    ...rest,
    timing: { ...base.timing, ...timing },
  };
  validateEngineConfig(config);
  return config;
}

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
