/**
 * The server's options (what the CLI flags map onto) and their resolution into an engine config.
 * @module
 */
import type { FastifyBaseLogger } from "fastify";
import {
  CONTINUUM_DEFAULTS,
  blocksForTokens,
  type ContinuumConfig,
  type EngineConfig,
  type EngineTiming,
} from "../model/config.js";
import { ENGINE_PROFILES } from "../profiles/engines.js";
import type { ProfileName } from "../profiles/names.js";
import { PROFILES, engineConfig } from "../profiles/profiles.js";
import type { ScriptedModelOptions } from "../scripted/scripted-model.js";

export interface EngineServerOptions {
  /** Calibrated profile (default "glm4.6"). */
  profile?: ProfileName;
  /** Model path/repo id (`root` in /v1/models; the served name when none is given). */
  model?: string;
  /** Names requests may use; the first is `model_name` in /metrics. */
  servedModelNames?: readonly string[];
  /** KV capacity in tokens (→ num_gpu_blocks = kvTokens / blockSize). */
  kvTokens?: number;
  numGpuBlocks?: number;
  blockSize?: number;
  maxModelLen?: number;
  maxNumSeqs?: number;
  maxNumBatchedTokens?: number;
  timing?: Partial<EngineTiming>;
  /**
   * The fraction of the profile's GPU this engine stands for (default 1). Prefill cost per token
   * and the per-sequence and per-context-token decode costs are divided by it, the fixed per-step
   * cost is kept: an engine with 1/4 of the compute (and 1/4 of the KV) serving 24 agents behaves
   * like the whole engine serving 96. Used by `reproduce --simulate` to run the paper's pressure
   * with fewer agents.
   */
  computeShare?: number;
  /** vLLM's `--stream-interval`: tokens per streamed content chunk (default 1). */
  streamInterval?: number;
  /** Real seconds per simulated second (default 1; 0.01 = 100× faster). */
  timeScale?: number;
  /** No simulated time: steps back to back (overhead benchmarks). */
  instant?: boolean;
  /** `usage.prompt_tokens_details.cached_tokens` (vLLM's --enable-prompt-tokens-details). */
  enablePromptTokensDetails?: boolean;
  /** Seed of the scripted model. */
  seed?: number;
  /** Continuum's pin-on-finish (`true` = released defaults: TTL 2 s, tool mean ≤ 2 s). */
  continuum?: boolean | ContinuumConfig;
  /** Fastify logger: false (default), true, pino options, or a logger instance. */
  logger?: boolean | Record<string, unknown> | FastifyBaseLogger;
  /** Request bodies kept for GET /debug/last-requests (default 100). */
  requestLogSize?: number;
  /** Max request body in bytes (default 64 MiB). */
  bodyLimit?: number;
  /** What GET /version reports. */
  version?: string;
  scripted?: ScriptedModelOptions;
}

export const SIMULATED_VLLM_VERSION = "0.11.0";

export interface ResolvedServerOptions {
  engine: EngineConfig;
  model: string;
  servedModelNames: string[];
  timeScale: number;
  instant: boolean;
  enablePromptTokensDetails: boolean;
  streamInterval: number;
  seed: number;
  requestLogSize: number;
  bodyLimit: number;
  version: string;
}

/** Resolves options into an engine config; throws a RangeError with a clear message when invalid. */
export function resolveServerOptions(o: EngineServerOptions): ResolvedServerOptions {
  const profile = o.profile ?? "glm4.6";
  if (!(profile in ENGINE_PROFILES)) throw new RangeError(`unknown profile "${String(profile)}"`);
  const blockSize = o.blockSize ?? ENGINE_PROFILES[profile].blockSize;
  if (o.kvTokens !== undefined && o.numGpuBlocks !== undefined) {
    throw new RangeError(
      "give either kvTokens (--kv-tokens) or numGpuBlocks (--num-gpu-blocks), not both",
    );
  }
  const numGpuBlocks =
    o.numGpuBlocks ??
    (o.kvTokens !== undefined
      ? blocksForTokens(o.kvTokens, blockSize)
      : Math.floor(
          (ENGINE_PROFILES[profile].numGpuBlocks * ENGINE_PROFILES[profile].blockSize) / blockSize,
        ));
  const share = o.computeShare ?? 1;
  if (!(share > 0 && share <= 1)) {
    throw new RangeError(`compute share must be in (0, 1], got ${share}`);
  }
  const streamInterval = o.streamInterval ?? 1;
  if (!Number.isInteger(streamInterval) || streamInterval < 1) {
    throw new RangeError(`stream interval must be a whole number ≥ 1, got ${streamInterval}`);
  }
  const baseTiming = { ...ENGINE_PROFILES[profile].timing, ...(o.timing ?? {}) };
  const timing: EngineTiming =
    share === 1
      ? baseTiming
      : {
          prefillBaseUs: baseTiming.prefillBaseUs / share,
          prefillPerKUs: baseTiming.prefillPerKUs / share,
          decodeBaseMs: baseTiming.decodeBaseMs,
          decodePerSeqMs: baseTiming.decodePerSeqMs / share,
          decodePerMTokMs: baseTiming.decodePerMTokMs / share,
        };
  const continuum =
    o.continuum === true ? { ...CONTINUUM_DEFAULTS } : o.continuum ? o.continuum : null;
  const engine = engineConfig(profile, {
    numGpuBlocks,
    blockSize,
    ...(o.maxModelLen !== undefined ? { maxModelLen: o.maxModelLen } : {}),
    ...(o.maxNumSeqs !== undefined ? { maxNumSeqs: o.maxNumSeqs } : {}),
    ...(o.maxNumBatchedTokens !== undefined ? { maxNumBatchedTokens: o.maxNumBatchedTokens } : {}),
    timing,
    continuum,
  });
  const kvCapacity = (engine.numGpuBlocks - 1) * engine.blockSize;
  if (engine.maxModelLen > kvCapacity) {
    throw new RangeError(
      `max_model_len ${engine.maxModelLen} is larger than the KV cache holds (${kvCapacity} tokens): ` +
        "lower --max-model-len or raise --kv-tokens / --num-gpu-blocks",
    );
  }
  const model = o.model ?? PROFILES[profile].model;
  const served =
    o.servedModelNames && o.servedModelNames.length > 0 ? [...o.servedModelNames] : [model];
  const timeScale = o.timeScale ?? 1;
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
    throw new RangeError(`time scale must be a number > 0, got ${timeScale}`);
  }
  return {
    engine,
    model,
    servedModelNames: served,
    timeScale,
    instant: o.instant ?? false,
    enablePromptTokensDetails: o.enablePromptTokensDetails ?? false,
    streamInterval,
    seed: o.seed ?? 0,
    requestLogSize: o.requestLogSize ?? 100,
    bodyLimit: o.bodyLimit ?? 64 * 1024 * 1024,
    version: o.version ?? SIMULATED_VLLM_VERSION,
  };
}
