/**
 * `@thunderagent/agent-core`: the coding agent (mini-swe-agent's `DefaultAgent` in TypeScript):
 * the loop, Jinja templates, action parsing, limits, the OpenAI model client, the environment
 * port and the registry of environment classes. The environment adapters load through the
 * registry or from their own entries: `@thunderagent/agent-core/docker`, `/local`; test fakes
 * from `/testing`.
 * @module
 */
export { AgentCoreError, ConfigError } from "./errors.js";
export type { AgentCoreErrorCode } from "./errors.js";
export {
  AgentSection,
  DEFAULT_TIMEOUT_TEMPLATE,
  DOCKER_HOST_FORMS,
  DOCKER_HOST_URL,
  DockerHealthSection,
  DockerHostSpec,
  EnvironmentSection,
  MiniConfig,
  ModelSection,
  RetrySection,
  isRecord,
  parseMiniConfig,
} from "./config/mini-config.js";
export type { DockerHostEntry, ParseConfigOptions, RawConfig } from "./config/mini-config.js";
export {
  V1_ACTION_REGEX,
  V2_ACTION_REGEX,
  V2_OBSERVATION_TEMPLATE,
  detectDialect,
} from "./config/config-dialect.js";
export type { ActionMode, Dialect } from "./config/config-dialect.js";
export { configWarnings, formatWarnings } from "./config/config-keys.js";
export type { ConfigWarning } from "./config/config-keys.js";
export { checkTemplates } from "./config/check-templates.js";
export { templateVariables } from "./template/template-variables.js";
export type { TemplateVariables } from "./template/template-variables.js";
export {
  BASH_TOOL,
  compileActionRegex,
  parseTextActions,
  parseToolCallActions,
} from "./agent/tool-actions.js";
export type { Action, ParsedActions } from "./agent/tool-actions.js";
export { V2_SUBMIT_MARKER } from "./agent/act.js";
export {
  isOverrideSpec,
  mergeConfigs,
  overrideToConfig,
  parseConfigYaml,
} from "./config/merge-config.js";
export {
  DEFAULT_CONFIG_PATH,
  SHIPPED_CONFIGS,
  readDefaultConfigText,
} from "./config/default-config.js";
export {
  TemplateSyntaxError,
  TemplateUndefinedError,
  compileTemplate,
  renderTemplate,
} from "./template/render-template.js";
export {
  SUBMIT_MARKERS,
  detectSubmission,
  findBashBlocks,
  parseAction,
  pythonStrip,
} from "./agent/parse-action.js";
export type { ParsedAction } from "./agent/parse-action.js";
export { EXIT_STATUS, runAgent } from "./agent/run-agent.js";
export type {
  AgentEvent,
  AgentMessage,
  AgentResult,
  RunAgentOptions,
  StepKind,
} from "./agent/run-agent.js";
export { ContextLengthExceededError } from "./model/model.js";
export type {
  ChatMessage,
  Model,
  ModelResponse,
  ModelUsage,
  QueryOptions,
  ToolSpec,
  WireToolCall,
} from "./model/model.js";
export { errorBodyMessage, matchContextLength } from "./model/context-length.js";
export type { ContextLengthMatch } from "./model/context-length.js";
export { backoffDelayS, exponentialRetryPolicy, isRetryable } from "./model/retry-policy.js";
export type { NormalizedError, RetryDecision, RetryPolicy } from "./model/retry-policy.js";
export {
  OpenAIModel,
  abortableSleep,
  normalizeError,
  resolveBaseUrl,
} from "./model/openai-model.js";
export type { OpenAIModelOptions } from "./model/openai-model.js";
export {
  CommandTimeoutError,
  EnvironmentError,
  hardTimeoutArgv,
  isTimeoutKill,
} from "./environment/environment.js";
export type { Environment, ExecOptions, ExecResult } from "./environment/environment.js";
export type {
  CreateEnvironmentOptions,
  EnvironmentClass,
  EnvironmentInstance,
  HostSlots,
  Monitor,
  MonitorOptions,
  PrepareImagesOptions,
  SweepOptions,
} from "./environment/environment-class.js";
export { INSTANCE_ID_LABEL, PROGRAM_ID_LABEL } from "./environment/environment-class.js";
export {
  ENVIRONMENT_CLASSES,
  ENVIRONMENT_CLASS_NAMES,
  EnvironmentClassName,
  loadEnvironmentClass,
} from "./environment/registry.js";
export { unixNow } from "./clock.js";
export { nodeEntry, parseMessage } from "./node-child.js";
