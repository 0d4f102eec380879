/**
 * `POST /v1/messages`, Anthropic's Messages API as vLLM (≥ 0.11.1) serves it: `system` and
 * `messages` with text or content blocks; the `message` body with `usage` (`input_tokens`,
 * `output_tokens`, and with --enable-prompt-tokens-details `cache_read_input_tokens`, the cached
 * part then left out of `input_tokens` as Anthropic counts); streaming as named events
 * `message_start`, `content_block_start`, `content_block_delta`, `content_block_stop`,
 * `message_delta` (stop reason and usage), `message_stop`. Errors on this route are in
 * Anthropic's shape, `{"type":"error","error":{"type","message"}}`.
 * @module
 */
import {
  AnthropicMessagesRequest,
  anthropicError,
  formatIssues,
  type AnthropicUsage,
} from "@thunderagent/protocol";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { tokenizeChat, type ChatMessageLike } from "../chat/render-chat.js";
import { VllmHttpError, badRequest } from "./errors.js";
import {
  planGeneration,
  programTags,
  type Counts,
  type FinishReason,
  type ReplyContext,
} from "./generation.js";
import {
  registerGenerationRoute,
  type FormatAdapter,
  type GenerationRouteDeps,
} from "./generation-route.js";

/** Content blocks as text: text blocks as they are, tool use and results as JSON. */
function blocksText(content: AnthropicMessagesRequest["system"]): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  let s = "";
  for (const b of content) s += typeof b.text === "string" ? b.text : JSON.stringify(b);
  return s;
}

function conversation(body: AnthropicMessagesRequest): ChatMessageLike[] {
  const turns: ChatMessageLike[] = [];
  const system = blocksText(body.system);
  if (system.length > 0) turns.push({ role: "system", content: system });
  for (const m of body.messages) turns.push({ role: m.role, content: blocksText(m.content) });
  return turns;
}

const STOP_REASONS: Record<FinishReason, string> = { stop: "end_turn", length: "max_tokens" };

function usage(c: Counts, ctx: ReplyContext): AnthropicUsage {
  if (!ctx.details) return { input_tokens: c.promptTokens, output_tokens: c.completionTokens };
  return {
    input_tokens: c.promptTokens - c.cachedTokens,
    output_tokens: c.completionTokens,
    cache_read_input_tokens: c.cachedTokens,
    cache_creation_input_tokens: 0,
  };
}

function event(type: string, fields: Record<string, unknown> = {}): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`;
}

const messages: FormatAdapter<null> = {
  prepare(raw, { options, scripted }) {
    const parsed = AnthropicMessagesRequest.safeParse(raw);
    if (!parsed.success) throw badRequest(formatIssues(parsed.error.issues));
    const body = parsed.data;
    const turns = conversation(body);
    const gen = planGeneration(
      {
        idPrefix: "msg_",
        model: body.model,
        messages: turns,
        promptTokens: tokenizeChat(turns),
        requested: body.max_tokens,
        stream: body.stream === true,
        ...programTags(raw, body.metadata?.["program_id"]),
      },
      options,
      scripted,
    );
    return { gen, request: null };
  },
  stream(gen, _p, ctx) {
    const delta = (text: string) =>
      text.length === 0
        ? ""
        : event("content_block_delta", { index: 0, delta: { type: "text_delta", text } });
    return {
      start: (c) =>
        event("message_start", {
          message: {
            id: gen.id,
            type: "message",
            role: "assistant",
            content: [],
            model: gen.model,
            stop_reason: null,
            stop_sequence: null,
            usage: { ...usage(c, ctx), output_tokens: 0 },
          },
        }) + event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
      delta,
      finish: (text, reason, c) =>
        delta(text) +
        event("content_block_stop", { index: 0 }) +
        event("message_delta", {
          delta: { stop_reason: STOP_REASONS[reason], stop_sequence: null },
          usage: usage(c, ctx),
        }) +
        event("message_stop"),
    };
  },
  body: (gen, _p, ctx) => (text, reason, c) =>
    JSON.stringify({
      id: gen.id,
      type: "message",
      role: "assistant",
      content: [{ type: "text", text }],
      model: gen.model,
      stop_reason: STOP_REASONS[reason],
      stop_sequence: null,
      usage: usage(c, ctx),
    }),
};

/** Every error on the route (validation, unknown model, unparsable JSON) in Anthropic's shape. */
function anthropicErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const status =
    err instanceof VllmHttpError
      ? err.status
      : err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 600
        ? err.statusCode
        : 500;
  return reply.code(status).send(anthropicError(status, err.message || "internal error"));
}

export function registerMessagesRoute(app: FastifyInstance, deps: GenerationRouteDeps): void {
  registerGenerationRoute(app, "/v1/messages", deps, messages, { errorHandler: anthropicErrors });
}
