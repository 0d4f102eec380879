/**
 * The engine model: pure, virtual time, no I/O.
 * @module
 */
export { BlockPool } from "./block-pool.js";
export { ROOT_HASH, hashBlock, hashBlockOf } from "./block-hash.js";
export { CONTINUUM_DEFAULTS, blocksForTokens, validateEngineConfig } from "./config.js";
export type {
  ContinuumConfig,
  EngineConfig,
  EngineConfigOverrides,
  EngineTiming,
} from "./config.js";
export { EngineModel } from "./engine-model.js";
export { EngineSimError } from "./errors.js";
export type { EngineSimErrorCode } from "./errors.js";
export type { StepResult } from "./engine-model.js";
export { StepCost, prefillCostUs } from "./step-time.js";
export type { EngineCounters, EngineEvent, EngineRequest, FinishReason } from "./types.js";
