/**
 * The OpenAI `usage` object of a chat completion (the last stream chunk, `"choices":[]`, or the
 * non-streaming body): token counts, and the prompt tokens served from the prefix cache when the
 * engine reports them (vLLM only with `--enable-prompt-tokens-details`; absent or null means
 * unknown, not 0). Engine-sim writes it, the proxy reads it for the router, agents record it.
 * @module
 */
import { z } from "zod";

export const PromptTokensDetails = z.object({
  cached_tokens: z.number().int().nonnegative().nullable().optional(),
});
export type PromptTokensDetails = z.infer<typeof PromptTokensDetails>;

export const ChatUsage = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
  prompt_tokens_details: PromptTokensDetails.nullable().optional(),
});
export type ChatUsage = z.infer<typeof ChatUsage>;

/** The Responses API's `usage` (non-streaming body, and `response.completed` when streaming). */
export const ResponsesUsage = z.object({
  input_tokens: z.number().int().nonnegative(),
  input_tokens_details: PromptTokensDetails.nullable().optional(),
  output_tokens: z.number().int().nonnegative(),
  output_tokens_details: z.looseObject({}).nullable().optional(),
  total_tokens: z.number().int().nonnegative(),
});
export type ResponsesUsage = z.infer<typeof ResponsesUsage>;

/**
 * Anthropic's `usage`. As Anthropic counts them, `input_tokens` excludes the prompt tokens read
 * from the cache (`cache_read_input_tokens`) and written to it (`cache_creation_input_tokens`): the
 * whole prompt is their sum. vLLM sends only `input_tokens`, the whole prompt. A stream's
 * `message_start` carries the input side and `message_delta` the output side.
 */
export const AnthropicUsage = z.object({
  input_tokens: z.number().int().nonnegative().optional(),
  output_tokens: z.number().int().nonnegative().optional(),
  cache_read_input_tokens: z.number().int().nonnegative().nullable().optional(),
  cache_creation_input_tokens: z.number().int().nonnegative().nullable().optional(),
});
export type AnthropicUsage = z.infer<typeof AnthropicUsage>;
