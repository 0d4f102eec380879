/**
 * `@thunderagent/swebench`: the SWE-bench batch runner (mini-extra swebench's job). The process
 * entry is `src/main.ts` (`pnpm swebench`); this module exposes the pieces for tests and tools.
 * @module
 */
export {
  SWEBENCH_CLI,
  SWEBENCH_FLAGS,
  checkSubset,
  parseCli,
  readCommandLine,
  usage,
} from "./cli-options.js";
export type { CliOptions, ParseCliContext } from "./cli-options.js";
export { SwebenchError, UsageError, isUsageError } from "./errors.js";
export { preflight } from "./run/preflight.js";
export type { PreflightOptions } from "./run/preflight.js";
export type { SwebenchErrorCode } from "./errors.js";
export { removeStaleTemps, writeFileAtomic } from "./atomic-write.js";
export {
  DATASET_MAPPING,
  SAMPLE_DATASET_PATH,
  loadInstances,
  resolveDatasetSource,
} from "./dataset/load-instances.js";
export type { DatasetSource, LoadInstancesOptions } from "./dataset/load-instances.js";
export { cacheFile, datasetsServerUrl, defaultCacheDir, loadHfRows } from "./dataset/hf-rows.js";
export type { HfRowsOptions } from "./dataset/hf-rows.js";
export { loadRowsFromFile } from "./dataset/load-file.js";
export { pythonSlice, selectInstances } from "./dataset/select-instances.js";
export type { SelectOptions } from "./dataset/select-instances.js";
export { ExitStatusStore } from "./output/exit-statuses.js";
export { PredsStore } from "./output/preds-store.js";
export { evaluationCommand, exportJsonl, predictionsJsonl } from "./output/export-jsonl.js";
export type { EvaluationTarget } from "./output/export-jsonl.js";
export { buildTrajectory, trajectoryPath, writeTrajectory } from "./output/trajectory-file.js";
export type { TrajectoryInput } from "./output/trajectory-file.js";
export { redactConfig } from "./run/redact-config.js";
export { releaseProgram, routerBaseUrl } from "./run/release-program.js";
export type { ReleaseOutcome } from "./run/release-program.js";
export { resolveConfig } from "./run/resolve-config.js";
export type { ConfigOverrides } from "./run/resolve-config.js";
export { formatSummary, runBatch, sweepRunLeftovers } from "./run/run-batch.js";
export type { BatchOptions, BatchSummary } from "./run/run-batch.js";
export { runInstance } from "./run/run-instance.js";
export type { InstanceContext, InstanceOutcome } from "./run/run-instance.js";
export { runPool } from "./run/worker-pool.js";
export {
  ProgressState,
  formatDuration,
  progressLine,
  progressScreen,
} from "./view/progress-state.js";
export type { ProgressSnapshot, RunningInstance } from "./view/progress-state.js";
export { ProgressView } from "./view/progress-view.js";
