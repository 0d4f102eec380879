/**
 * `@thunderagent/router-core`: ThunderAgent's program-aware scheduler as pure logic. The proxy
 * and the virtual-time simulation both drive exactly this code (docs/boundaries.md).
 * @module
 */
export { Router } from "./router.js";
export type { ProgramSnapshot } from "./router.js";
export type { RouterPort } from "./router-port.js";
export { RouterCoreError } from "./errors.js";
export type { RouterCoreErrorCode } from "./errors.js";
export { DEFAULT_ROUTER_OPTIONS, ORIGINAL_THUNDERAGENT_OPTIONS } from "./options.js";
export type { RouterOptions } from "./options.js";
export { MARK_REASONING_MODES, SHARED_CREDIT_MODES } from "./types.js";
export type {
  ActingDecay,
  ArriveDecision,
  ArriveInput,
  BackendSnapshot,
  MarkReasoning,
  PauseTies,
  RestoreOrder,
  UnknownCapacity,
  PayloadChars,
  SharedCredit,
  ReleaseResult,
  ResumedRequest,
  RouterMode,
  StepProfileRow,
  TickResult,
  Usage,
} from "./types.js";
export type { BackendStats, RouterStats } from "./stats.js";
export type { HistogramSnapshot } from "./histogram.js";
export { PAUSE_TIME_BUCKETS } from "./histogram.js";
export {
  indexByName,
  parsePrometheusText,
  parsePromLine,
  parsePromValue,
  sumOf,
} from "./prometheus-text.js";
export type { PromSample } from "./prometheus-text.js";
export { hasVllmStats, parseVllmMetrics } from "./vllm-metrics.js";
export { onePerDpRank, parseSglangMetrics, SglangServerInfo } from "./sglang-metrics.js";
export { parseSkyrlMetrics, SKYRL_DEFAULT_ENGINE_CAPACITY, SkyrlMetrics } from "./skyrl-metrics.js";
export {
  BACKEND_TYPES,
  BACKEND_TYPE_NAMES,
  backendType,
  isBackendTypeName,
} from "./backends/registry.js";
export type { BackendTypeName } from "./backends/registry.js";
export type {
  BackendFetch,
  BackendType,
  FetchedBodies,
  ServedCounters,
} from "./backends/backend-type.js";
export { ROUTER_MODE_POLICIES, routerModePolicy } from "./modes/registry.js";
export type { Admission, ModePolicy } from "./modes/mode-policy.js";
export { TokenEstimator } from "./token-estimator.js";
export { pythonFloatReprLength, pythonJsonDumpsLength } from "./python-json-length.js";
export { decayedActingWeight } from "./acting-decay.js";
export { planRestore, planRestoreBy, planRestoreWith } from "./restore-policy.js";
export type {
  Placement,
  RestoreCandidate,
  RestoreSpec,
  Room,
  RoomChooser,
} from "./restore-policy.js";
export { RESUME_PLACEMENTS } from "./policy/resume-placement.js";
export type { ResumePlacement } from "./policy/resume-placement.js";
export { RESTORE_NEEDS, TOKEN_ESTIMATES } from "./policy/program-estimate.js";
export type { RestoreNeed, TokenEstimate } from "./policy/program-estimate.js";
export { buildStepRow, ProfileAccumulator } from "./step-profile.js";
export { emptySnapshot } from "./snapshot.js";
