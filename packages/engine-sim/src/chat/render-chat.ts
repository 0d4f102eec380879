/**
 * The chat template (ChatML-style, as Qwen3 and GLM render turns) and its tokenization:
 * `<|im_start|>` role "\n" content `<|im_end|>` "\n" per message, then `<|im_start|>` "assistant\n"
 * as the generation prompt. A reply's tokens (content, then `<|im_end|>`) are exactly the tokens
 * the next request's prompt holds at those positions, so decode blocks can be reused.
 * @module
 */
import { IM_END, IM_START, countTextTokens, writeTextTokens } from "./tokenize.js";

/** The message shape the tokenizer reads (a subset of OpenAI's). */
export interface ChatMessageLike {
  role: string;
  content?: string | ReadonlyArray<{ type: string; text?: unknown }> | null | undefined;
  tool_calls?: unknown;
  name?: string | undefined;
}

/** The text content of a message (text parts joined; tool calls rendered as JSON). */
export function messageText(m: ChatMessageLike): string {
  let text = "";
  if (typeof m.content === "string") text = m.content;
  else if (Array.isArray(m.content)) {
    for (const part of m.content) if (typeof part.text === "string") text += part.text;
  }
  if (m.tool_calls !== undefined && m.tool_calls !== null) {
    text += JSON.stringify(m.tool_calls);
  }
  return text;
}

/** The rendered template as text (for humans and tests; tokenization does not go through it). */
export function renderChat(
  messages: readonly ChatMessageLike[],
  addGenerationPrompt = true,
): string {
  let s = "";
  for (const m of messages) s += `<|im_start|>${m.role}\n${messageText(m)}<|im_end|>\n`;
  if (addGenerationPrompt) s += "<|im_start|>assistant\n";
  return s;
}

/**
 * Token ids of the rendered chat, with the generation prompt by default. Deterministic and
 * prefix-stable: appending messages never changes earlier tokens.
 */
export function tokenizeChat(
  messages: readonly ChatMessageLike[],
  options: { addGenerationPrompt?: boolean } = {},
): Uint32Array {
  const gen = options.addGenerationPrompt ?? true;
  const texts = messages.map(messageText);
  let n = 0;
  for (let i = 0; i < messages.length; i++) {
    n += 3 + countTextTokens(`${messages[i]!.role}\n`) + countTextTokens(texts[i]!);
  }
  if (gen) n += 1 + countTextTokens("assistant\n");
  const out = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < messages.length; i++) {
    out[k++] = IM_START;
    k = writeTextTokens(`${messages[i]!.role}\n`, out, k);
    k = writeTextTokens(texts[i]!, out, k);
    out[k++] = IM_END;
    k = writeTextTokens("\n", out, k);
  }
  if (gen) {
    out[k++] = IM_START;
    k = writeTextTokens("assistant\n", out, k);
  }
  return out;
}

/** The token ids of an assistant reply as the model emits it: its content, then `<|im_end|>`. */
export function tokenizeReply(content: string): Uint32Array {
  const out = new Uint32Array(countTextTokens(content) + 1);
  const k = writeTextTokens(content, out, 0);
  out[k] = IM_END;
  return out;
}
