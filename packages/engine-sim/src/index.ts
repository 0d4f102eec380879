/**
 * `@thunderagent/engine-sim`: a simulated vLLM. The engine model (pure, virtual time), the chat
 * tokenizer, the scripted mini-swe-agent-style model, and the OpenAI-compatible server.
 * @module
 */
export * from "./model/index.js";
export * from "./profiles/index.js";
export {
  CHARS_PER_TOKEN,
  IM_END,
  IM_START,
  VOCAB_SIZE,
  countTextTokens,
  textPiece,
  tokenizeText,
} from "./chat/tokenize.js";
export { messageText, renderChat, tokenizeChat, tokenizeReply } from "./chat/render-chat.js";
export type { ChatMessageLike } from "./chat/render-chat.js";
export { SUBMIT_COMMAND, ScriptedModel } from "./scripted/scripted-model.js";
export type { ScriptedModelOptions, ScriptedReply } from "./scripted/scripted-model.js";
export { buildEngineServer, engineSimState } from "./server/build-server.js";
export type { EngineSimState } from "./server/build-server.js";
export { startEngineServer } from "./server/start-server.js";
export { freePort, stopChild, waitUntilHealthy } from "./server/processes.js";
export type { HealthWait } from "./server/processes.js";
export type { StartedEngineServer } from "./server/start-server.js";
export { SIMULATED_VLLM_VERSION, resolveServerOptions } from "./server/options.js";
export type { EngineServerOptions, ResolvedServerOptions } from "./server/options.js";
export { EngineDriver } from "./server/driver.js";
export type { DriverOptions } from "./server/driver.js";
export { renderVllmMetrics } from "./server/metrics-text.js";
export { floatToGoString, pyFloatRepr } from "./server/py-float.js";
export { ENGINE_SIM_CLI, ENGINE_SIM_FLAGS, parseCli, readCommandLine } from "./cli/args.js";
export type { CliConfig, CommandLine } from "./cli/args.js";
