/**
 * Where a request's program id may come from, in the order they are tried (first present wins):
 * the router's own body fields, the envelopes of other agentic routers, then session headers.
 * The README's identity table is this list. Route-specific body fields (Anthropic's
 * `metadata.program_id`) are passed to `resolveIdentity` and tried right after the generic body
 * fields, before the envelopes.
 * @module
 */

/** A field of the JSON body, by its path of keys. */
export interface BodySource {
  readonly kind: "body";
  readonly path: readonly string[];
}

/** A request header (matched case-insensitively). */
export interface HeaderSource {
  readonly kind: "header";
  readonly name: string;
}

export type IdentitySource = BodySource | HeaderSource;

const body = (...path: string[]): BodySource => ({ kind: "body", path });
const header = (name: string): HeaderSource => ({ kind: "header", name });

/** The router's own fields: top level (the OpenAI SDKs merge `extra_body` there), then nested. */
export const GENERIC_BODY_SOURCES: readonly BodySource[] = [
  body("program_id"),
  body("extra_body", "program_id"),
];

/** Other routers' envelopes: vllm-project/router's, then NVIDIA Dynamo's. */
export const ENVELOPE_SOURCES: readonly BodySource[] = [
  body("vllm_xargs", "agentic_context", "program_id"),
  body("vllm_xargs", "agentic_context", "session_id"),
  body("nvext", "agent_context", "trajectory_id"),
];

/** Session headers set by agent harnesses. */
export const HEADER_SOURCES: readonly HeaderSource[] = [
  header("x-session-id"),
  header("x-claude-code-session-id"),
];

/**
 * The envelope objects the router removes whole before forwarding (their parents keep every other
 * key, and are dropped when left empty): the engine does not know them.
 */
export const STRIPPED_ENVELOPES: readonly (readonly string[])[] = [
  ["vllm_xargs", "agentic_context"],
  ["nvext", "agent_context"],
];

/** Router-only fields removed at the top level and inside `extra_body`. */
export const ROUTER_ONLY_KEYS = ["program_id", "docker_ids"] as const;

/** Every source in order, with the route's extra body fields after the generic ones. */
export function sourcesInOrder(extra: readonly BodySource[] = []): readonly IdentitySource[] {
  return [...GENERIC_BODY_SOURCES, ...extra, ...ENVELOPE_SOURCES, ...HEADER_SOURCES];
}

/** How a source is named in logs, errors and the README: `extra_body.program_id`, `header x-session-id`. */
export function sourceName(source: IdentitySource): string {
  return source.kind === "body" ? source.path.join(".") : `header ${source.name}`;
}
