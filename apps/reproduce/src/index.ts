/**
 * `@thunderagent/reproduce`: the orchestrator behind `pnpm reproduce glm4.6 | qwen3-235b`. The CLI
 * is `src/main.ts`; these are its parts, for scripts that want to plan, supervise or count alone.
 * @module
 */
export { ReproduceError } from "./errors.js";
export type { ReproduceErrorCode } from "./errors.js";
export { PRESETS, PRESET_NAMES, isPresetName } from "./presets.js";
export type { Preset, PresetName } from "./presets.js";
export {
  REPRODUCE_CLI,
  REPRODUCE_FLAGS,
  UsageError,
  parseOptions,
  readCommandLine,
  usage,
} from "./options.js";
export type { CommandLine, Options } from "./options.js";
export { GpuCheckError, assignGpus, parseNvidiaSmi, queryGpus } from "./gpu-check.js";
export type { Gpu, GpuRequirement } from "./gpu-check.js";
export { KV_CACHE_DTYPES, isPrequantized, validateEngineChoice } from "./validate.js";
export type { EngineChoice } from "./validate.js";
export { buildPlan } from "./plan.js";
export { PlanError } from "./plan-types.js";
export { formatPlan } from "./dry-run.js";
export type {
  Plan,
  PlanExtensions,
  PlanFacts,
  ProcessSpec,
  RouterCommand,
  RouterLaunch,
  SystemPlan,
  StepSource,
} from "./plan-types.js";
export { REPO_ROOT, findSampleDataset, makeRunId, onPath } from "./facts.js";
export { repeatsNeeded, writeRepeatedDataset } from "./simulate.js";
export { ChildFailedError, Supervisor } from "./supervisor.js";
export type { Child, ExitInfo, SupervisorOptions } from "./supervisor.js";
export { HealthTimeoutError, waitForHealth } from "./health.js";
export { countWindow } from "./window.js";
export type { StepCompletion, Window, WindowCount } from "./window.js";
export { readProfileSteps, readTrajectorySteps } from "./steps.js";
export { buildReport, renderMarkdown, writeReport } from "./report.js";
export type { SystemResult } from "./report.js";
export { compareSpec, renderSvg, timelineSpec } from "./plots.js";
export { runPlan } from "./run.js";
export type { SystemOutcome } from "./run.js";
export type { RunContext } from "./run-context.js";
