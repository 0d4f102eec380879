/**
 * `@thunderagent/engine-sim/profiles`: the model profiles (calibrated engine, agent workload, the
 * paper's points), the one home of every number a profile name stands for.
 * @module
 */
export { PROFILE_NAMES, isProfileName } from "./names.js";
export type { ProfileName } from "./names.js";
export { PROFILES, engineConfig } from "./profiles.js";
export type { ModelProfile } from "./profiles.js";
export { ENGINE_PROFILES } from "./engines.js";
export { PAPER, PAPER_SYSTEMS, paperNs, paperPoint } from "./paper.js";
export type { PaperPoint, PaperSystem, PaperValue } from "./paper.js";
export {
  GLM_WORKLOAD,
  OPENHANDS_GLM_WORKLOAD,
  QWEN_WORKLOAD,
  TOOL_KEYS,
  withWorkloadOverrides,
} from "./workload-params.js";
export type { WorkloadParams } from "./workload-params.js";
