/**
 * `POST /v1/chat/completions`: validates like vLLM (status codes and messages), tokenizes the
 * rendered chat and answers in the chat-completions wire format (wire.ts); the generation itself
 * is generation.ts's.
 * @module
 */
import { ChatCompletionRequest, formatIssues } from "@thunderagent/protocol";
import type { FastifyInstance } from "fastify";
import { tokenizeChat } from "../chat/render-chat.js";
import { STREAM_OPTIONS_MESSAGE, VllmHttpError, badRequest } from "./errors.js";
import { planGeneration, programTags, type Counts, type ReplyContext } from "./generation.js";
import {
  registerGenerationRoute,
  type FormatAdapter,
  type GenerationRouteDeps,
} from "./generation-route.js";
import { usageOf, usageStreamOptions, type UsageStreamOptions } from "./usage-options.js";
import { ChunkWriter, DONE, completionBody, usageInfo } from "./wire.js";

export type ChatRouteDeps = GenerationRouteDeps;

const chat: FormatAdapter<UsageStreamOptions> = {
  prepare(raw, { options, scripted }) {
    const parsed = ChatCompletionRequest.safeParse(raw);
    if (!parsed.success) throw badRequest(formatIssues(parsed.error.issues));
    const body = parsed.data;
    const so = usageStreamOptions(body.stream === true, body.stream_options);
    if (body.tool_choice === "auto" && (body.tools?.length ?? 0) > 0) {
      throw badRequest(
        '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
      );
    }
    const gen = planGeneration(
      {
        idPrefix: "chatcmpl-",
        model: body.model,
        messages: body.messages,
        promptTokens: tokenizeChat(body.messages),
        requested: body.max_completion_tokens ?? body.max_tokens ?? null,
        stream: body.stream === true,
        tools: (body.tools?.length ?? 0) > 0,
        ...programTags(raw),
      },
      options,
      scripted,
    );
    return { gen, request: so };
  },
  stream(gen, so, ctx) {
    const w = new ChunkWriter(gen.id, gen.created, gen.model);
    const running = (c: Counts) => (so.continuous ? usageOf(c, ctx) : undefined);
    return {
      start: (c) => w.role(running(c)),
      delta: (text, c) => w.content(text, running(c)),
      finish(text, reason, c) {
        const u = usageOf(c, ctx);
        const calls = reason === "stop" ? gen.toolCalls : [];
        let out = calls.length > 0 ? w.toolCalls(text, calls) : "";
        out += w.finish(
          calls.length > 0 ? "" : text,
          calls.length > 0 ? "tool_calls" : reason,
          so.continuous ? u : undefined,
        );
        if (so.includeUsage) out += w.usage(u);
        return out + DONE;
      },
    };
  },
  body: (gen, _so, ctx: ReplyContext) => (text, reason, c) =>
    completionBody(gen.id, gen.created, gen.model, text, reason, usageOf(c, ctx), gen.toolCalls),
};

export function registerChatRoute(app: FastifyInstance, deps: ChatRouteDeps): void {
  registerGenerationRoute(app, "/v1/chat/completions", deps, chat);
}

export { STREAM_OPTIONS_MESSAGE, VllmHttpError, usageInfo };
