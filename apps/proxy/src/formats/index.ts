/**
 * The wire formats the proxy serves, each on its own route.
 * @module
 */
import { MESSAGES_FORMAT } from "./messages-format.js";
import { CHAT_FORMAT, COMPLETIONS_FORMAT } from "./openai-formats.js";
import { RESPONSES_FORMAT } from "./responses-format.js";
import type { WireFormat } from "./wire-format.js";

export const WIRE_FORMATS: readonly WireFormat[] = [
  CHAT_FORMAT,
  COMPLETIONS_FORMAT,
  RESPONSES_FORMAT,
  MESSAGES_FORMAT,
];

export { CHAT_FORMAT, COMPLETIONS_FORMAT, MESSAGES_FORMAT, RESPONSES_FORMAT };
export type { EventDialect, EventMeaning, WireFormat } from "./wire-format.js";
