/**
 * `POST /v1/chat/completions`: validates like vLLM (status codes and messages), tokenizes the
 * rendered chat, asks the scripted model for the reply, submits it to the engine and answers
 * streaming or not as the engine's events arrive. A client that goes away aborts the request.
 * @module
 */
import { randomUUID } from "node:crypto";
import { ChatCompletionRequest, formatIssues } from "@thunderagent/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { tokenizeChat, tokenizeReply } from "../chat/render-chat.js";
import { countTextTokens } from "../chat/tokenize.js";
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
}

function asProgramId(v: unknown): string | undefined {
  if (typeof v === "string" && v.length > 0) return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

export function registerChatRoute(app: FastifyInstance, deps: ChatRouteDeps): void {
  const { options, driver, scripted, requestLog } = deps;
  const L = options.engine.maxModelLen;
  const details = options.enablePromptTokensDetails;
  const streamInterval = options.streamInterval;

  app.post("/v1/chat/completions", (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.body;
    requestLog.add({
      at: Date.now() / 1000,
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: raw,
    });
    const parsed = ChatCompletionRequest.safeParse(raw);
    if (!parsed.success) throw badRequest(formatIssues(parsed.error.issues));
    const body = parsed.data;
    const stream = body.stream === true;
    // vLLM: `if data.get("stream_options") and not data.get("stream")`: an empty object is falsy.
    const so0 = body.stream_options;
    if (so0 !== undefined && so0 !== null && Object.keys(so0).length > 0 && !stream) {
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
    const so = body.stream_options;
    const prep: Prepared = {
      id,
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      content: answer.content,
      textTokens: countTextTokens(answer.content),
      stream,
      includeUsage: stream && so !== undefined && so !== null && so.include_usage !== false,
      continuousUsage: so?.continuous_usage_stats === true,
    };
    const engineReq = {
      id,
      promptTokens,
      maxTokens,
      outputTokens: replyIds.length,
      outputTokenIds: replyIds,
      toolKey: answer.toolKey,
      isLastStep: rawBody["is_last_step"] === true,
      ...(programId !== undefined ? { programId } : {}),
    };
    reply.hijack();
    const res = reply.raw;
    let done = false;
    res.on("close", () => {
      if (!done) driver.abort(id);
    });
    if (stream) {
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
      res.flushHeaders();
      const w = new ChunkWriter(id, prep.created, prep.model);
      let emitted = 0;
      const usageNow = (cached: number) =>
        prep.continuousUsage && prep.includeUsage
          ? usageInfo(P, emitted, cached, details)
          : undefined;
      let cachedTokens = 0;
      // The engine emits min(outputTokens, maxTokens, room) tokens; the last one carries finish_reason.
      const finalCount = Math.max(1, Math.min(replyIds.length, maxTokens, L - P));
      let finalText: string | null = null;
      let pendingText = "";
      let pendingCount = 0;
      driver.submit(engineReq, (e) => {
        if (done) return;
        if (e.type === "scheduled") cachedTokens = e.cachedTokens;
        else if (e.type === "first_token") res.write(w.role(usageNow(cachedTokens)));
        else if (e.type === "token") {
          for (let k = 0; k < e.count; k++) {
            const text =
              emitted < prep.textTokens ? answer.content.slice(emitted * 4, emitted * 4 + 4) : "";
            emitted++;
            if (emitted >= finalCount) {
              finalText = pendingText + text;
              pendingText = "";
              pendingCount = 0;
            } else {
              // vLLM's --stream-interval: a content chunk every N tokens (1 = every token).
              pendingText += text;
              pendingCount++;
              if (pendingCount >= streamInterval) {
                res.write(w.content(pendingText, usageNow(cachedTokens)));
                pendingText = "";
                pendingCount = 0;
              }
            }
          }
        } else if (e.type === "finished") {
          done = true;
          if (e.reason === "abort") {
            res.end();
            return;
          }
          const u = usageInfo(e.promptTokens, e.completionTokens, e.cachedTokens, details);
          const cont = prep.continuousUsage && prep.includeUsage ? u : undefined;
          res.write(w.finish(finalText ?? "", e.reason, cont));
          if (prep.includeUsage) res.write(w.usage(u));
          res.end(DONE);
        }
      });
      return;
    }
    driver.submit(engineReq, (e) => {
      if (done || e.type !== "finished") return;
      done = true;
      if (e.reason === "abort") {
        res.destroy();
        return;
      }
      const text = answer.content.slice(0, Math.min(e.completionTokens, prep.textTokens) * 4);
      const out = completionBody(
        id,
        prep.created,
        prep.model,
        text,
        e.reason,
        usageInfo(e.promptTokens, e.completionTokens, e.cachedTokens, details),
      );
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(out),
      });
      res.end(out);
    });
  });
}

export { VllmHttpError };
