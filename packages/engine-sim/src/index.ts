/**
 * `@thunderagent/engine-sim`: a simulated vLLM. The engine model (pure, virtual time), the chat
 * tokenizer, the scripted mini-swe-agent-style model, and the OpenAI-compatible server.
 * @module
 */
export * from "./model/index.js";
