/**
 * The request bodies of the routes beside chat completions, as vLLM serves them: OpenAI
 * `/v1/completions` and `/v1/responses`, and Anthropic's `/v1/messages`. Known fields are typed;
 * every other field passes through (vLLM ignores unknown fields). Engine-sim validates with these;
 * the proxy reads only the router's fields (chat-request.ts) and the `stream` flag.
 * @module
 */
import { z } from "zod";
import { StreamOptions } from "./chat-request.js";

const TokenCount = z.number().int().nonnegative();

/** `/v1/completions`: `prompt` is text or token ids (one prompt per request). */
export const CompletionRequest = z.looseObject({
  model: z.string(),
  prompt: z.union([
    z.string(),
    z.array(z.number().int().nonnegative()).min(1, "prompt must not be empty"),
    z.array(z.string()).length(1, "prompt must be a single prompt"),
  ]),
  stream: z.boolean().nullable().optional(),
  stream_options: StreamOptions.nullable().optional(),
  max_tokens: TokenCount.nullable().optional(),
  echo: z.boolean().nullable().optional(),
});
export type CompletionRequest = z.infer<typeof CompletionRequest>;

/** A content part of a Responses input message (`input_text`, `output_text`, …). */
const ResponsesContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

/**
 * One Responses input item: a message (`type: "message"`, or no type with `role`), a function
 * call or a function call's output; other item types pass through as text.
 */
export const ResponsesInputItem = z.looseObject({
  type: z.string().optional(),
  role: z.enum(["user", "assistant", "system", "developer"]).optional(),
  content: z.union([z.string(), z.array(ResponsesContentPart)]).optional(),
  output: z.unknown().optional(),
  arguments: z.string().optional(),
  name: z.string().optional(),
});
export type ResponsesInputItem = z.infer<typeof ResponsesInputItem>;

/** `/v1/responses`: `input` is a string or a list of items; `instructions` is the system text. */
export const ResponsesRequest = z.looseObject({
  model: z.string(),
  input: z.union([z.string(), z.array(ResponsesInputItem).min(1, "input must not be empty")]),
  instructions: z.string().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  max_output_tokens: TokenCount.nullable().optional(),
  temperature: z.number().nullable().optional(),
  top_p: z.number().nullable().optional(),
});
export type ResponsesRequest = z.infer<typeof ResponsesRequest>;

/** An Anthropic content block (`text`, `tool_use`, `tool_result`, `image`, `thinking`, …). */
export const AnthropicContentBlock = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
});
export type AnthropicContentBlock = z.infer<typeof AnthropicContentBlock>;

export const AnthropicMessage = z.looseObject({
  role: z.enum(["user", "assistant"]),
  content: z.union([
    z.string(),
    z.array(AnthropicContentBlock).min(1, "message content must not be empty"),
  ]),
});
export type AnthropicMessage = z.infer<typeof AnthropicMessage>;

/** Anthropic `/v1/messages`. `metadata.program_id` names the program (read by the proxy). */
export const AnthropicMessagesRequest = z.looseObject({
  model: z.string(),
  messages: z.array(AnthropicMessage).min(1, "messages must contain at least one item"),
  max_tokens: z.number().int().positive(),
  system: z
    .union([z.string(), z.array(AnthropicContentBlock)])
    .nullable()
    .optional(),
  stream: z.boolean().nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  stop_sequences: z.array(z.string()).nullable().optional(),
  temperature: z.number().nullable().optional(),
});
export type AnthropicMessagesRequest = z.infer<typeof AnthropicMessagesRequest>;
