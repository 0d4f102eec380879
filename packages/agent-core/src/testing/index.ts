/**
 * `@thunderagent/agent-core/testing`: fakes of agent-core's ports for tests.
 * @module
 */
export { ScriptedAgentModel } from "./scripted-agent-model.js";
export type {
  ScriptedAgentModelOptions,
  ScriptedReply,
  ScriptedToolReply,
} from "./scripted-agent-model.js";
