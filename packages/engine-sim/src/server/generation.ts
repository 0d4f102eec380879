/**
 * The one home of a generation, whatever the wire format: the checks every route shares (model,
 * context length, max tokens), the scripted reply and the engine request that paces it, and the
 * run against the engine driver, streaming (text released every --stream-interval tokens) or
 * not. Each route (chat, completions, responses, messages) is a thin adapter: it turns its body
 * into a {@link GenerationInput} and its events into bytes through a {@link StreamFormat}.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type ChatMessageLike, tokenizeReply } from "../chat/render-chat.js";
import { countTextTokens } from "../chat/tokenize.js";
import type { EngineEvent } from "../model/types.js";
import type { ScriptedModel, ScriptedReply } from "../scripted/scripted-model.js";
import type { EngineDriver } from "./driver.js";
import { badRequest, maxTokensTooLarge, modelNotFound, promptTooLong } from "./errors.js";
import type { ResolvedServerOptions } from "./options.js";

/** What a route hands over once its body is valid. */
export interface GenerationInput {
  /** Id prefix of the format (`chatcmpl-`, `cmpl-`, `resp_`, `msg_`). */
  idPrefix: string;
  model: string;
  /** The conversation the scripted model answers. */
  messages: readonly ChatMessageLike[];
  promptTokens: Uint32Array;
  /** max_tokens as asked (null: up to the context length). */
  requested: number | null;
  stream: boolean;
  programId?: string | undefined;
  isLastStep: boolean;
  /** The request offered tools: the scripted reply is a tool call (chat only). */
  tools?: boolean;
}

/** A validated request: the reply to give and the engine request that paces it. */
export interface Generation {
  id: string;
  created: number;
  model: string;
  content: string;
  /** The reply's tool calls (empty unless the request offered tools). */
  toolCalls: ScriptedReply["toolCalls"];
  /** Text tokens of the content (the reply's last token, end-of-turn, has no text). */
  textTokens: number;
  stream: boolean;
  promptLen: number;
  /** Tokens the engine emits: min(reply, max_tokens, room), at least 1; the last carries the finish. */
  finalCount: number;
  maxTokens: number;
  engineReq: Parameters<EngineDriver["submit"]>[0];
}

/** Token counts so far (while streaming) or at the end. */
export interface Counts {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens found in the prefix cache (known once the request is scheduled). */
  cachedTokens: number;
}

export type FinishReason = "stop" | "length";

/** How one wire format writes a stream: each method returns the bytes to send. */
export interface StreamFormat {
  /** At the first token (chat's role chunk, messages' message_start, …). */
  start(counts: Counts): string;
  delta(text: string, counts: Counts): string;
  /** The last text, the finish, the usage and the terminator. */
  finish(text: string, reason: FinishReason, counts: Counts): string;
}

/** The parts of the server a reply writer needs. */
export interface ReplyContext {
  driver: EngineDriver;
  /** `--enable-prompt-tokens-details`: cached tokens are reported. */
  details: boolean;
  streamInterval: number;
}

export function replyContext(options: ResolvedServerOptions, driver: EngineDriver): ReplyContext {
  return {
    driver,
    details: options.enablePromptTokensDetails,
    streamInterval: options.streamInterval,
  };
}

/** The checks every route shares (vLLM's statuses and messages), then the reply to give. */
export function planGeneration(
  input: GenerationInput,
  options: ResolvedServerOptions,
  scripted: ScriptedModel,
): Generation {
  const L = options.engine.maxModelLen;
  if (!options.servedModelNames.includes(input.model)) throw modelNotFound(input.model);
  const P = input.promptTokens.length;
  if (P >= L) throw promptTooLong(L, P);
  const { requested } = input;
  if (requested !== null && P + requested > L) throw maxTokensTooLarge(requested, L, P);
  const maxTokens = requested ?? L - P;
  if (maxTokens < 1) throw badRequest("max_tokens must be at least 1, got 0.", "max_tokens");
  const answer = scripted.reply(input.messages, { tools: input.tools === true });
  const replyIds = tokenizeReply(answer.text);
  const id = `${input.idPrefix}${randomUUID().replace(/-/g, "")}`;
  return {
    id,
    created: Math.floor(Date.now() / 1000),
    model: input.model,
    content: answer.content,
    toolCalls: answer.toolCalls,
    textTokens: countTextTokens(answer.content),
    stream: input.stream,
    promptLen: P,
    finalCount: Math.max(1, Math.min(replyIds.length, maxTokens, L - P)),
    maxTokens,
    engineReq: {
      id,
      promptTokens: input.promptTokens,
      maxTokens,
      outputTokens: replyIds.length,
      outputTokenIds: replyIds,
      toolKey: answer.toolKey,
      isLastStep: input.isLastStep,
      ...(input.programId !== undefined ? { programId: input.programId } : {}),
    },
  };
}

/** A program id as clients send it (a non-empty string or a number), else undefined. */
function asProgramId(v: unknown): string | undefined {
  if (typeof v === "string" && v.length > 0) return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * The fields of a body the engine model reads besides the prompt: `program_id` (Continuum pins by
 * program; `fallback` is a route's other place for it) and `is_last_step`.
 */
export function programTags(
  raw: unknown,
  fallback?: unknown,
): Pick<GenerationInput, "programId" | "isLastStep"> {
  const body = raw as Record<string, unknown>;
  return {
    programId: asProgramId(body["program_id"] ?? fallback),
    isLastStep: body["is_last_step"] === true,
  };
}

/** Submits the request and aborts it if the client goes away first. */
function submit(
  res: ServerResponse,
  gen: Generation,
  ctx: ReplyContext,
  onEvent: (e: EngineEvent, end: () => void) => void,
): void {
  let done = false;
  const end = () => {
    done = true;
  };
  res.on("close", () => {
    if (!done) ctx.driver.abort(gen.id);
  });
  ctx.driver.submit(gen.engineReq, (e) => {
    if (!done) onEvent(e, end);
  });
}

/** The SSE answer: `start` at the first token, text every --stream-interval tokens, `finish`. */
export function streamGeneration(
  res: ServerResponse,
  gen: Generation,
  ctx: ReplyContext,
  format: StreamFormat,
): void {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
  res.flushHeaders();
  const counts: Counts = { promptTokens: gen.promptLen, completionTokens: 0, cachedTokens: 0 };
  let finalText: string | null = null;
  let pendingText = "";
  let pendingCount = 0;
  const onToken = () => {
    const k = counts.completionTokens;
    const text = k < gen.textTokens ? gen.content.slice(k * 4, k * 4 + 4) : "";
    counts.completionTokens++;
    if (counts.completionTokens >= gen.finalCount) {
      finalText = pendingText + text;
      pendingText = "";
      pendingCount = 0;
      return;
    }
    // vLLM's --stream-interval: a content chunk every N tokens (1 = every token).
    pendingText += text;
    pendingCount++;
    if (pendingCount >= ctx.streamInterval) {
      res.write(format.delta(pendingText, counts));
      pendingText = "";
      pendingCount = 0;
    }
  };
  submit(res, gen, ctx, (e, end) => {
    if (e.type === "scheduled") counts.cachedTokens = e.cachedTokens;
    else if (e.type === "first_token") res.write(format.start(counts));
    else if (e.type === "token") for (let k = 0; k < e.count; k++) onToken();
    else if (e.type === "finished") {
      end();
      if (e.reason === "abort") {
        res.end();
        return;
      }
      const final: Counts = {
        promptTokens: e.promptTokens,
        completionTokens: e.completionTokens,
        cachedTokens: e.cachedTokens,
      };
      res.end(format.finish(finalText ?? "", e.reason, final));
    }
  });
}

/** The non-streaming answer: `body(text, reason, counts)` once the engine has finished. */
export function jsonGeneration(
  res: ServerResponse,
  gen: Generation,
  ctx: ReplyContext,
  body: (text: string, reason: FinishReason, counts: Counts) => string,
): void {
  submit(res, gen, ctx, (e, end) => {
    if (e.type !== "finished") return;
    end();
    if (e.reason === "abort") {
      res.destroy();
      return;
    }
    const text = gen.content.slice(0, Math.min(e.completionTokens, gen.textTokens) * 4);
    const out = body(text, e.reason, {
      promptTokens: e.promptTokens,
      completionTokens: e.completionTokens,
      cachedTokens: e.cachedTokens,
    });
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(out),
    });
    res.end(out);
  });
}
