/**
 * The chat-completions request as the router sees it. Known OpenAI fields are typed; every other
 * field passes through untouched (vLLM accepts and ignores unknown fields). Router-only fields
 * (`program_id`, `docker_ids`) may sit at the top level — the OpenAI SDKs merge `extra_body` there —
 * or inside `extra_body`; they are stripped before the request is forwarded.
 * @module
 */
import { z } from "zod";

/** A program id as clients send it: a non-empty string or a number (normalised to a string). */
export const ProgramId = z.union([z.string().min(1, "program_id must not be empty"), z.number()]);
export type ProgramId = z.infer<typeof ProgramId>;

/** The program a request belongs to when it names none. */
export const DEFAULT_PROGRAM_ID = "default";

export const ChatRole = z.enum(["system", "developer", "user", "assistant", "tool", "function"]);
export type ChatRole = z.infer<typeof ChatRole>;

export const ChatContentPart = z.looseObject({ type: z.string() });
export type ChatContentPart = z.infer<typeof ChatContentPart>;

export const ChatMessage = z.looseObject({
  role: ChatRole,
  content: z.union([z.string(), z.array(ChatContentPart), z.null()]).optional(),
  name: z.string().optional(),
  tool_call_id: z.string().optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const StreamOptions = z.looseObject({
  include_usage: z.boolean().nullable().optional(),
  continuous_usage_stats: z.boolean().nullable().optional(),
});
export type StreamOptions = z.infer<typeof StreamOptions>;

/**
 * The router-only fields, wherever they sit. `docker_ids` may hold empty strings: the Python
 * original never rejects a request for its `docker_ids` (it does not read them), and an empty id
 * names no container, so {@link resolveRouting} leaves it out.
 */
export const RouterFields = z.looseObject({
  program_id: ProgramId.optional(),
  docker_ids: z.array(z.string()).optional(),
});
export type RouterFields = z.infer<typeof RouterFields>;

/**
 * What the router reads of a chat request: its fields at the top level and inside `extra_body`
 * (an `extra_body` of `null` counts as absent). Every other field passes through untouched.
 */
export const RequestRouting = RouterFields.extend({
  extra_body: RouterFields.nullable().optional(),
});
export type RequestRouting = z.infer<typeof RequestRouting>;

export const ChatCompletionRequest = z.looseObject({
  model: z.string(),
  messages: z.array(ChatMessage).min(1, "messages must hold at least one message"),
  stream: z.boolean().nullable().optional(),
  stream_options: StreamOptions.nullable().optional(),
  max_tokens: z.number().int().nonnegative().nullable().optional(),
  max_completion_tokens: z.number().int().nonnegative().nullable().optional(),
  temperature: z.number().nullable().optional(),
  top_p: z.number().nullable().optional(),
  n: z.number().int().positive().nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
  seed: z.number().int().nullable().optional(),
  tools: z.array(z.looseObject({ type: z.string() })).optional(),
  tool_choice: z.unknown().optional(),
  ...RouterFields.shape,
  extra_body: RouterFields.optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

/** The routing envelope of a request: which program it belongs to and what it holds. */
export interface ResolvedRouting {
  programId: string;
  dockerIds: string[];
}

function normaliseId(id: ProgramId | undefined): string | undefined {
  if (id === undefined) return undefined;
  return typeof id === "number" ? String(id) : id;
}

/**
 * Where a request's program id comes from: the top level first, then `extra_body.program_id`,
 * else {@link DEFAULT_PROGRAM_ID}.
 * @deprecated The router's identity is `resolveIdentity` in `@thunderagent/proxy` (envelopes and
 * session headers too, every wire format); this keeps the two body fields only. `docker_ids` from both places are merged, duplicates and empty
 * strings dropped.
 */
export function resolveRouting(body: RequestRouting): ResolvedRouting {
  const programId =
    normaliseId(body.program_id) ?? normaliseId(body.extra_body?.program_id) ?? DEFAULT_PROGRAM_ID;
  const ids = [...(body.docker_ids ?? []), ...(body.extra_body?.docker_ids ?? [])];
  return { programId, dockerIds: [...new Set(ids.filter((id) => id.length > 0))] };
}

const ROUTER_ONLY_KEYS = ["program_id", "docker_ids"] as const;

/**
 * A copy of the request without the router-only fields, at the top level and inside `extra_body`
 * (an `extra_body` left empty is dropped). Every other field is kept as it was.
 * @deprecated The proxy strips with `resolveIdentity` (`@thunderagent/proxy`), envelopes included.
 */
export function stripRouterFields<T extends Record<string, unknown>>(
  body: T,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const key of ROUTER_ONLY_KEYS) delete out[key];
  const extra = out["extra_body"];
  if (extra !== null && typeof extra === "object" && !Array.isArray(extra)) {
    const rest: Record<string, unknown> = { ...(extra as Record<string, unknown>) };
    for (const key of ROUTER_ONLY_KEYS) delete rest[key];
    if (Object.keys(rest).length === 0) delete out["extra_body"];
    else out["extra_body"] = rest;
  }
  return out;
}
