/**
 * The scripted mini-swe-agent-style model on its own (`@thunderagent/engine-sim/scripted`), with
 * the chat tokenizer it is sized against.
 * @module
 */
export { SUBMIT_COMMAND, ScriptedModel } from "./scripted-model.js";
export type { ScriptedModelOptions, ScriptedReply } from "./scripted-model.js";
export { hashString, lognormal, mulberry32, normal } from "@thunderagent/protocol";
export { messageText, renderChat, tokenizeChat, tokenizeReply } from "../chat/render-chat.js";
export type { ChatMessageLike } from "../chat/render-chat.js";
export { CHARS_PER_TOKEN, countTextTokens, tokenizeText } from "../chat/tokenize.js";
