/**
 * One record per model profile: what `engine-sim --profile`, `bench:sched --profile` and
 * `reproduce <preset> --simulate` all mean by the name. The engine, the workload and the paper's
 * points live in their own modules; this joins them and builds engine configs from a profile.
 * @module
 */
import {
  validateEngineConfig,
  type EngineConfig,
  type EngineConfigOverrides,
} from "../model/config.js";
import { ENGINE_PROFILES } from "./engines.js";
import { PROFILE_NAMES, type ProfileName } from "./names.js";
import { PAPER, type PaperPoint } from "./paper.js";
import { GLM_WORKLOAD, QWEN_WORKLOAD, type WorkloadParams } from "./workload-params.js";

export interface ModelProfile {
  readonly name: ProfileName;
  /** The checkpoint `vllm serve` loads (and engine-sim reports as the model). */
  readonly model: string;
  /** KV-cache capacity in tokens (num_gpu_blocks × block_size). */
  readonly kvTokens: number;
  readonly engine: EngineConfig;
  readonly workload: Readonly<WorkloadParams>;
  /** The paper's measured points for this model, ascending N. */
  readonly paper: readonly PaperPoint[];
}

function profile(name: ProfileName, model: string, workload: WorkloadParams): ModelProfile {
  const engine = ENGINE_PROFILES[name];
  return Object.freeze({
    name,
    model,
    kvTokens: engine.numGpuBlocks * engine.blockSize,
    engine,
    workload,
    paper: PAPER.filter((p) => p.profile === name),
  });
}

export const PROFILES: Readonly<Record<ProfileName, ModelProfile>> = Object.freeze({
  "glm4.6": profile("glm4.6", "zai-org/GLM-4.6-FP8", GLM_WORKLOAD),
  "qwen3-235b": profile("qwen3-235b", "Qwen/Qwen3-235B-A22B-Instruct-2507", QWEN_WORKLOAD),
});

export { PROFILE_NAMES };

/** A fresh engine config: the profile's calibrated engine with the overrides applied, validated. */
export function engineConfig(
  name: ProfileName,
  overrides: EngineConfigOverrides = {},
): EngineConfig {
  const base = ENGINE_PROFILES[name];
  const { timing, ...rest } = overrides;
  const config: EngineConfig = { ...base, ...rest, timing: { ...base.timing, ...timing } };
  validateEngineConfig(config);
  return config;
}
