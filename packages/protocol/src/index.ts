/**
 * `@thunderagent/protocol`: zod schemas, each with its TypeScript type under the same name, for
 * every shape that crosses a process boundary.
 * @module
 */
export {
  ChatCompletionRequest,
  ChatContentPart,
  ChatMessage,
  ChatRole,
  DEFAULT_PROGRAM_ID,
  ProgramId,
  RequestRouting,
  RouterFields,
  StreamOptions,
  resolveRouting,
  stripRouterFields,
} from "./chat-request.js";
export type { ResolvedRouting } from "./chat-request.js";
export { OpenAIErrorBody, errorTypeForStatus, openAIError } from "./openai-error.js";
export {
  DOCKER_ID_MAX_LENGTH,
  DOCKER_ID_PATTERN,
  DockerId,
  PROGRAM_ID_LABEL,
  PROGRAM_ID_MAX_LENGTH,
} from "./tool-resources.js";
export {
  BackendHealth,
  BackendMetricsInfo,
  BackendScrapedMetrics,
  CacheConfigInfo,
  HealthResponse,
  MetricsResponse,
  ProfileResponse,
  ProfilesResponse,
  ProgramInfo,
  ProgramProfileSummary,
  ProgramsResponse,
  ProgramState,
  ProgramStatus,
  ReleaseRequest,
  ReleaseResponse,
  RouterMode,
  WeightSyncState,
} from "./router-api.js";
export {
  STEP_PROFILE_COLUMNS,
  STEP_PROFILE_HEADER,
  StepProfileRow,
  decodeStepProfileCsv,
  encodeStepProfileRow,
  formatSeconds,
} from "./step-profile.js";
export type { DecodeStepProfilesOptions } from "./step-profile.js";
export { CodedError } from "./coded-error.js";
export { hashString, lognormal, mulberry32, normal } from "./random.js";
export { Prediction, Predictions, SweBenchInstance, sweBenchImageName } from "./swebench.js";
export { ExitStatus, StepTiming, Trajectory, TrajectoryMessage } from "./trajectory.js";
export { AnthropicUsage, ChatUsage, PromptTokensDetails, ResponsesUsage } from "./usage.js";
export {
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicMessagesRequest,
  CompletionRequest,
  ResponsesInputItem,
  ResponsesRequest,
} from "./api-requests.js";
export { AnthropicErrorBody, anthropicError, anthropicErrorType } from "./anthropic-error.js";
export {
  MeasurementWindow,
  ReproduceReport,
  ReproduceRun,
  ReproduceSystem,
} from "./reproduce-report.js";
export {
  SweepCellKey,
  SweepCellResult,
  SweepManifest,
  SweepMode,
  SweepPoint,
  SweepReport,
  SweepStat,
} from "./reproduce-sweep.js";
export {
  ProtocolValidationError,
  formatIssues,
  formatPath,
  parseOrThrow,
  parseWith,
} from "./validation.js";
export type { ParseResult } from "./validation.js";
