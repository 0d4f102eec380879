/**
 * `POST /v1/chat/completions`: validates like vLLM (status codes and messages), tokenizes the
 * rendered chat, asks the scripted model for the reply, submits it to the engine and answers
 * streaming or not as the engine's events arrive. A client that goes away aborts the request.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { ChatCompletionRequest, formatIssues } from "@thunderagent/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { tokenizeChat, tokenizeReply } from "../chat/render-chat.js";
import { countTextTokens } from "../chat/tokenize.js";
import type { EngineEvent, EngineRequest } from "../model/types.js";
import type { ScriptedModel } from "../scripted/scripted-model.js";
import type { EngineDriver } from "./driver.js";
import {
  STREAM_OPTIONS_MESSAGE,
  VllmHttpError,
  badRequest,
  maxTokensTooLarge,
  modelNotFound,
  promptTooLong,
} from "./errors.js";
import type { ResolvedServerOptions } from "./options.js";
import type { RequestLog } from "./request-log.js";
import { ChunkWriter, DONE, completionBody, usageInfo } from "./wire.js";

export interface ChatRouteDeps {
  options: ResolvedServerOptions;
  driver: EngineDriver;
  scripted: ScriptedModel;
  requestLog: RequestLog;
}

/** A validated chat request: the reply to give and the engine request that paces it. */
interface Prepared {
  id: string;
  created: number;
  model: string;
  content: string;
  /** Text tokens of the content (the reply's last token, end-of-turn, has no text). */
  textTokens: number;
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
  /** Prompt tokens. */
  promptLen: number;
  /** Tokens the engine emits: min(reply, max_tokens, room), at least 1; the last carries finish_reason. */
  finalCount: number;
  engineReq: EngineRequest;
}

/** The parts of the server a reply writer needs. */
interface ReplyContext {
  driver: EngineDriver;
  details: boolean;
  streamInterval: number;
}

function asProgramId(v: unknown): string | undefined {
  if (typeof v === "string" && v.length > 0) return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

export function registerChatRoute(app: FastifyInstance, deps: ChatRouteDeps): void {
  const { options, driver, scripted, requestLog } = deps;
  const ctx: ReplyContext = {
    driver,
    details: options.enablePromptTokensDetails,
    streamInterval: options.streamInterval,
  };
  app.post("/v1/chat/completions", (request: FastifyRequest, reply: FastifyReply) => {
    requestLog.add({
      at: Date.now() / 1000,
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body,
    });
    const prep = prepare(request.body, options, scripted);
    reply.hijack();
    if (prep.stream) streamReply(reply.raw, prep, ctx);
    else jsonReply(reply.raw, prep, ctx);
  });
}

/** Validates a request like vLLM (throwing its errors) and works out the reply. */
function prepare(raw: unknown, options: ResolvedServerOptions, scripted: ScriptedModel): Prepared {
  const L = options.engine.maxModelLen;
  const parsed = ChatCompletionRequest.safeParse(raw);
  if (!parsed.success) throw badRequest(formatIssues(parsed.error.issues));
  const body = parsed.data;
  const stream = body.stream === true;
  // vLLM: `if data.get("stream_options") and not data.get("stream")`: an empty object is falsy.
  const so = body.stream_options;
  if (so !== undefined && so !== null && Object.keys(so).length > 0 && !stream) {
    throw badRequest(STREAM_OPTIONS_MESSAGE);
  }
  if (!options.servedModelNames.includes(body.model)) throw modelNotFound(body.model);
  if (body.tool_choice === "auto" && (body.tools?.length ?? 0) > 0) {
    throw badRequest(
      '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
    );
  }
  const promptTokens = tokenizeChat(body.messages);
  const P = promptTokens.length;
  if (P >= L) throw promptTooLong(L, P);
  const requested = body.max_completion_tokens ?? body.max_tokens ?? null;
  if (requested !== null && P + requested > L) throw maxTokensTooLarge(requested, L, P);
  const maxTokens = requested ?? L - P;
  if (maxTokens < 1) throw badRequest("max_tokens must be at least 1, got 0.", "max_tokens");

  const answer = scripted.reply(body.messages);
  const replyIds = tokenizeReply(answer.content);
  const rawBody = raw as Record<string, unknown>;
  const programId = asProgramId(rawBody["program_id"]);
  const id = `chatcmpl-${randomUUID().replace(/-/g, "")}`;
  return {
    id,
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    content: answer.content,
    textTokens: countTextTokens(answer.content),
    stream,
    includeUsage: stream && so !== undefined && so !== null && so.include_usage !== false,
    continuousUsage: so?.continuous_usage_stats === true,
    promptLen: P,
    finalCount: Math.max(1, Math.min(replyIds.length, maxTokens, L - P)),
    engineReq: {
      id,
      promptTokens,
      maxTokens,
      outputTokens: replyIds.length,
      outputTokenIds: replyIds,
      toolKey: answer.toolKey,
      isLastStep: rawBody["is_last_step"] === true,
      ...(programId !== undefined ? { programId } : {}),
    },
  };
}

/** Submits the request and aborts it if the client goes away first; `done` tells when it ended. */
function submit(
  res: ServerResponse,
  prep: Prepared,
  ctx: ReplyContext,
  onEvent: (e: EngineEvent, end: () => void) => void,
): void {
  let done = false;
  const end = () => {
    done = true;
  };
  res.on("close", () => {
    if (!done) ctx.driver.abort(prep.id);
  });
  ctx.driver.submit(prep.engineReq, (e) => {
    if (!done) onEvent(e, end);
  });
}

/** The SSE answer: a role chunk, content chunks every --stream-interval tokens, finish, usage. */
function streamReply(res: ServerResponse, prep: Prepared, ctx: ReplyContext): void {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
  res.flushHeaders();
  const w = new ChunkWriter(prep.id, prep.created, prep.model);
  const continuous = prep.continuousUsage && prep.includeUsage;
  let emitted = 0;
  let cachedTokens = 0;
  const usageNow = () =>
    continuous ? usageInfo(prep.promptLen, emitted, cachedTokens, ctx.details) : undefined;
  let finalText: string | null = null;
  let pendingText = "";
  let pendingCount = 0;
  const onToken = () => {
    const text = emitted < prep.textTokens ? prep.content.slice(emitted * 4, emitted * 4 + 4) : "";
    emitted++;
    if (emitted >= prep.finalCount) {
      finalText = pendingText + text;
      pendingText = "";
      pendingCount = 0;
      return;
    }
    // vLLM's --stream-interval: a content chunk every N tokens (1 = every token).
    pendingText += text;
    pendingCount++;
    if (pendingCount >= ctx.streamInterval) {
      res.write(w.content(pendingText, usageNow()));
      pendingText = "";
      pendingCount = 0;
    }
  };
  submit(res, prep, ctx, (e, end) => {
    if (e.type === "scheduled") cachedTokens = e.cachedTokens;
    else if (e.type === "first_token") res.write(w.role(usageNow()));
    else if (e.type === "token") for (let k = 0; k < e.count; k++) onToken();
    else if (e.type === "finished") {
      end();
      if (e.reason === "abort") {
        res.end();
        return;
      }
      const u = usageInfo(e.promptTokens, e.completionTokens, e.cachedTokens, ctx.details);
      res.write(w.finish(finalText ?? "", e.reason, continuous ? u : undefined));
      if (prep.includeUsage) res.write(w.usage(u));
      res.end(DONE);
    }
  });
}

/** The non-streaming answer: one JSON body once the engine has finished the request. */
function jsonReply(res: ServerResponse, prep: Prepared, ctx: ReplyContext): void {
  submit(res, prep, ctx, (e, end) => {
    if (e.type !== "finished") return;
    end();
    if (e.reason === "abort") {
      res.destroy();
      return;
    }
    const text = prep.content.slice(0, Math.min(e.completionTokens, prep.textTokens) * 4);
    const out = completionBody(
      prep.id,
      prep.created,
      prep.model,
      text,
      e.reason,
      usageInfo(e.promptTokens, e.completionTokens, e.cachedTokens, ctx.details),
    );
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(out),
    });
    res.end(out);
  });
}

export { VllmHttpError };
