/**
 * `POST /v1/completions` in vLLM's wire format: `prompt` as text or token ids, `text_completion`
 * chunks (no role chunk), the `choices: []` usage chunk with `stream_options.include_usage`, and
 * `[DONE]`; the non-streaming `text_completion` body. The generation is generation.ts's.
 * @module
 */
import { CompletionRequest, formatIssues } from "@thunderagent/protocol";
import type { FastifyInstance } from "fastify";
import { tokenizeText } from "../chat/tokenize.js";
import { badRequest } from "./errors.js";
import { planGeneration, programTags, type Counts } from "./generation.js";
import {
  registerGenerationRoute,
  type FormatAdapter,
  type GenerationRouteDeps,
} from "./generation-route.js";
import { usageOf, usageStreamOptions, type UsageStreamOptions } from "./usage-options.js";
import { DONE } from "./wire.js";

function choice(text: string, finish: string | null): string {
  const stop = finish === null ? "" : `,"stop_reason":null`;
  return `{"index":0,"text":${JSON.stringify(text)},"logprobs":null,"finish_reason":${JSON.stringify(finish)}${stop}}`;
}

const completions: FormatAdapter<UsageStreamOptions> = {
  prepare(raw, { options, scripted }) {
    const parsed = CompletionRequest.safeParse(raw);
    if (!parsed.success) throw badRequest(formatIssues(parsed.error.issues));
    const body = parsed.data;
    const so = usageStreamOptions(body.stream === true, body.stream_options);
    if (body.echo === true) throw badRequest("engine-sim does not support echo", "echo");
    const p = body.prompt;
    const text = typeof p === "string" ? p : typeof p[0] === "string" ? p[0] : null;
    const promptTokens = text !== null ? tokenizeText(text) : Uint32Array.from(p as number[]);
    if (promptTokens.length === 0) throw badRequest("The prompt cannot be empty.", "prompt");
    const gen = planGeneration(
      {
        idPrefix: "cmpl-",
        model: body.model,
        messages: [{ role: "user", content: text ?? promptTokens.join(" ") }],
        promptTokens,
        // vLLM's completions default max_tokens is 16.
        requested: body.max_tokens ?? 16,
        stream: body.stream === true,
        ...programTags(raw),
      },
      options,
      scripted,
    );
    return { gen, request: so };
  },
  stream(gen, so, ctx) {
    const head = `data: {"id":${JSON.stringify(gen.id)},"object":"text_completion","created":${gen.created},"model":${JSON.stringify(gen.model)},"choices":`;
    const frame = (choices: string, c?: Counts) =>
      `${head}${choices}${c ? `,"usage":${JSON.stringify(usageOf(c, ctx))}` : ""}}\n\n`;
    const running = (c: Counts) => (so.continuous ? c : undefined);
    return {
      // Completions have no role chunk: the first text goes out with the next delta.
      start: () => "",
      delta: (text, c) => frame(`[${choice(text, null)}]`, running(c)),
      finish(text, reason, c) {
        let out = frame(`[${choice(text, reason)}]`, running(c));
        if (so.includeUsage) out += frame("[]", c);
        return out + DONE;
      },
    };
  },
  body: (gen, _so, ctx) => (text, reason, c) => {
    const usage = usageOf(c, ctx);
    return JSON.stringify({
      id: gen.id,
      object: "text_completion",
      created: gen.created,
      model: gen.model,
      choices: [
        {
          index: 0,
          text,
          logprobs: null,
          finish_reason: reason,
          stop_reason: null,
          prompt_logprobs: null,
        },
      ],
      service_tier: null,
      system_fingerprint: null,
      usage: { ...usage, prompt_tokens_details: usage.prompt_tokens_details ?? null },
      kv_transfer_params: null,
    });
  },
};

export function registerCompletionsRoute(app: FastifyInstance, deps: GenerationRouteDeps): void {
  registerGenerationRoute(app, "/v1/completions", deps, completions);
}
