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
