/**
 * One wire format the proxy serves (chat completions, completions, Responses, Anthropic
 * Messages): its route, where the program id may also sit, how usage is read from a body and
 * from stream events, and the shape of its errors. The exchange (chat/) is the same for every
 * format; only these adapters differ.
 * @module
 */
import type { OpenAIErrorBody } from "@thunderagent/protocol";
import type { UsageCounts } from "../chat/sse-relay.js";

/** What one parsed stream event means to the Router. */
export type EventMeaning =
  /** Token progress (the first one is the first token). */
  | { kind: "content" }
  /**
   * Token counts, as OpenAI chat names them (merged over the stream: Anthropic sends the input
   * side in `message_start`, the output side in `message_delta`). `usageOnly`: an event that
   * carries nothing else (chat's `choices: []`), hidden from a client that did not ask for usage.
   */
  | { kind: "usage"; counts: UsageCounts; usageOnly: boolean }
  | { kind: "error"; message: string }
  | { kind: "other" };

/** How a format's SSE events are read. */
export interface EventDialect {
  /**
   * Bytes every content event holds and no other event can (compact JSON, quotes unescaped):
   * such an event is counted as content without being decoded.
   */
  readonly contentMarker: Buffer;
  classify(event: Record<string, unknown>): EventMeaning;
}

export interface WireFormat {
  /** Short name (logs, bench): `chat`, `completions`, `responses`, `messages`. */
  readonly name: string;
  /** The route, which is also the path upstream. */
  readonly path: string;
  /** Route-specific body fields naming the program (Anthropic's `metadata.program_id`). */
  readonly identityPaths: readonly (readonly string[])[];
  /**
   * The format asks for usage with `stream_options.include_usage` (chat, completions): the proxy
   * turns it on upstream and hides the usage-only event from a client that had not asked.
   */
  readonly usageOption: boolean;
  /** Token counts in a non-streaming body's `usage` object (null: none usable). */
  bodyUsage(usage: unknown): UsageCounts | null;
  readonly events: EventDialect;
  /** An error answer (the proxy's, in the OpenAI envelope) in the route's shape. */
  errorBody(status: number, error: OpenAIErrorBody): unknown;
  /** The event written when the upstream stream breaks after the 200 went out. */
  streamError(message: string): string;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function nonNegative(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** An `{"error": …}` member's message (OpenAI envelope, Anthropic error, or a bare string). */
export function errorMessage(error: unknown): string {
  if (typeof error === "string") return error;
  if (isRecord(error) && typeof error["message"] === "string") return error["message"];
  return "error";
}
