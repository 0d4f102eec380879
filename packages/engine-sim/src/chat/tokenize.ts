/**
 * A deterministic, prefix-stable tokenizer: text is cut into 4-character pieces from its start
 * (so about 4 characters per token) and each piece maps to an id by hashing; the chat template's
 * special tokens (`<|im_start|>`, `<|im_end|>`) are one token each. A conversation that grows by
 * appending messages keeps every earlier token, exactly as with a real chat template, so the
 * engine's prefix cache sees the same hits. Pure: no I/O.
 * @module
 */

/** Vocabulary size of the simulated model (GLM-4.6's). */
export const VOCAB_SIZE = 151_552;
export const IM_START = 1;
export const IM_END = 2;
/** Characters per text token. */
export const CHARS_PER_TOKEN = 4;
const FIRST_TEXT_ID = 16;

/** The id of one text piece. */
export function pieceId(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return FIRST_TEXT_ID + ((h >>> 0) % (VOCAB_SIZE - FIRST_TEXT_ID));
}

/** Number of tokens `text` takes. */
export function countTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Appends the token ids of `text` to `out` from index `at`; returns the new end index. */
export function writeTextTokens(text: string, out: Uint32Array, at: number): number {
  let k = at;
  for (let i = 0; i < text.length; i += CHARS_PER_TOKEN) {
    out[k++] = pieceId(text, i, Math.min(text.length, i + CHARS_PER_TOKEN));
  }
  return k;
}

/** The token ids of plain text. */
export function tokenizeText(text: string): Uint32Array {
  const out = new Uint32Array(countTextTokens(text));
  writeTextTokens(text, out, 0);
  return out;
}

/** The text of text token `i` of `text` (what a streamed token carries). */
export function textPiece(text: string, i: number): string {
  return text.slice(i * CHARS_PER_TOKEN, (i + 1) * CHARS_PER_TOKEN);
}
