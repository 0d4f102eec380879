/**
 * `POST /v1/responses`, OpenAI's Responses API as vLLM serves it: `input` as text or items,
 * `instructions` as the system turn; the `response` object with one assistant message and
 * `usage` (`input_tokens`, `input_tokens_details.cached_tokens`, `output_tokens`,
 * `total_tokens`); streaming as named events (`response.created`, `response.in_progress`,
 * `response.output_item.added`, `response.content_part.added`, `response.output_text.delta`, …,
 * `response.completed` carrying the usage), each with its `sequence_number`. The generation is
 * generation.ts's.
 * @module
 */
import { randomUUID } from "node:crypto";
import {
  ResponsesRequest,
  formatIssues,
  type ResponsesInputItem,
  type ResponsesUsage,
} from "@thunderagent/protocol";
import type { FastifyInstance } from "fastify";
import { tokenizeChat, type ChatMessageLike } from "../chat/render-chat.js";
import { badRequest } from "./errors.js";
import { planGeneration, programTags, type Counts, type Generation } from "./generation.js";
import {
  registerGenerationRoute,
  type FormatAdapter,
  type GenerationRouteDeps,
} from "./generation-route.js";

/** One input item as a chat turn (function calls and their outputs as tool turns). */
function itemMessage(item: ResponsesInputItem): ChatMessageLike {
  if (item.type === "function_call") {
    return { role: "assistant", content: `${item.name ?? ""}(${item.arguments ?? ""})` };
  }
  if (item.type === "function_call_output") {
    const out = item.output;
    return { role: "tool", content: typeof out === "string" ? out : JSON.stringify(out ?? "") };
  }
  const role = item.role ?? "user";
  const c = item.content;
  if (c === undefined) throw badRequest(`input item of type ${item.type ?? role} has no content`);
  return { role: role === "developer" ? "system" : role, content: c };
}

function conversation(body: ResponsesRequest): ChatMessageLike[] {
  const turns: ChatMessageLike[] = [];
  if (body.instructions) turns.push({ role: "system", content: body.instructions });
  if (typeof body.input === "string") turns.push({ role: "user", content: body.input });
  else for (const item of body.input) turns.push(itemMessage(item));
  return turns;
}

interface Prepared {
  body: ResponsesRequest;
  messageId: string;
}

function usage(c: Counts): ResponsesUsage {
  return {
    input_tokens: c.promptTokens,
    input_tokens_details: { cached_tokens: c.cachedTokens },
    output_tokens: c.completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: c.promptTokens + c.completionTokens,
  };
}

function outputText(text: string) {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

function message(p: Prepared, status: string, content: unknown[]) {
  return { id: p.messageId, type: "message", role: "assistant", status, content };
}

/** The `response` object: in progress (no output yet), or finished with its text and usage. */
function responseObject(
  gen: Generation,
  p: Prepared,
  end: { text: string; reason: string; counts: Counts } | null,
) {
  const incomplete = end?.reason === "length";
  return {
    id: gen.id,
    object: "response",
    created_at: gen.created,
    status: end === null ? "in_progress" : incomplete ? "incomplete" : "completed",
    background: false,
    error: null,
    incomplete_details: incomplete ? { reason: "max_output_tokens" } : null,
    instructions: p.body.instructions ?? null,
    max_output_tokens: p.body.max_output_tokens ?? null,
    max_tool_calls: null,
    metadata: null,
    model: gen.model,
    output: end === null ? [] : [message(p, "completed", [outputText(end.text)])],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: null,
    service_tier: "auto",
    temperature: p.body.temperature ?? 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: p.body.top_p ?? 1,
    truncation: "disabled",
    usage: end === null ? null : usage(end.counts),
    user: null,
  };
}

const responses: FormatAdapter<Prepared> = {
  prepare(raw, { options, scripted }) {
    const parsed = ResponsesRequest.safeParse(raw);
    if (!parsed.success) throw badRequest(formatIssues(parsed.error.issues));
    const body = parsed.data;
    const messages = conversation(body);
    const gen = planGeneration(
      {
        idPrefix: "resp_",
        model: body.model,
        messages,
        promptTokens: tokenizeChat(messages),
        requested: body.max_output_tokens ?? null,
        stream: body.stream === true,
        ...programTags(raw),
      },
      options,
      scripted,
    );
    return { gen, request: { body, messageId: `msg_${randomUUID().replace(/-/g, "")}` } };
  },
  stream(gen, p) {
    let seq = 0;
    let all = "";
    const ev = (type: string, fields: Record<string, unknown>) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...fields })}\n\n`;
    const at = { item_id: p.messageId, output_index: 0, content_index: 0 };
    const delta = (text: string) => {
      all += text;
      return ev("response.output_text.delta", { ...at, delta: text, logprobs: [] });
    };
    return {
      start: () =>
        ev("response.created", { response: responseObject(gen, p, null) }) +
        ev("response.in_progress", { response: responseObject(gen, p, null) }) +
        ev("response.output_item.added", { output_index: 0, item: message(p, "in_progress", []) }) +
        ev("response.content_part.added", { ...at, part: outputText("") }),
      delta,
      finish(text, reason, counts) {
        const last = text.length > 0 ? delta(text) : "";
        const part = outputText(all);
        return (
          last +
          ev("response.output_text.done", { ...at, text: all, logprobs: [] }) +
          ev("response.content_part.done", { ...at, part }) +
          ev("response.output_item.done", {
            output_index: 0,
            item: message(p, "completed", [part]),
          }) +
          ev("response.completed", {
            response: responseObject(gen, p, { text: all, reason, counts }),
          })
        );
      },
    };
  },
  body: (gen, p) => (text, reason, counts) =>
    JSON.stringify(responseObject(gen, p, { text, reason, counts })),
};

export function registerResponsesRoute(app: FastifyInstance, deps: GenerationRouteDeps): void {
  registerGenerationRoute(app, "/v1/responses", deps, responses);
}
