/**
 * Turns a request body, in any wire format, into what goes upstream. Only the router's own fields
 * are validated here, by the identity module (a full parse of a 100K-token `messages` array is the
 * engine's job, and vLLM answers a bad one with a 400 the client receives unchanged).
 * @module
 */
import { CHAT_FORMAT } from "../formats/openai-formats.js";
import type { WireFormat } from "../formats/wire-format.js";
import { isRecord } from "../identity/body-paths.js";
import { resolveIdentity, type HeaderBag } from "../identity/index.js";

export interface PreparedRequest {
  /** The request's wire format (its route, usage and error shapes). */
  format: WireFormat;
  programId: string;
  dockerIds: string[];
  stream: boolean;
  /** The client asked for the usage-only chunk itself (so it is not removed from the stream). */
  clientWantsUsage: boolean;
  /** The request carries the in-band close signal: its program is released when it ends. */
  closeOnEnd: boolean;
  /** The JSON text sent upstream. */
  upstreamBody: string;
}

/**
 * Validates the router fields, resolves the program (body, the format's own fields, envelopes,
 * headers) and builds the upstream body; a streaming request of a format with
 * `stream_options` asks the engine for usage.
 */
export function prepareRequest(
  format: WireFormat,
  body: unknown,
  headers: HeaderBag = {},
): PreparedRequest {
  const identity = resolveIdentity(body, headers, { extraBodyPaths: format.identityPaths });
  const out = { ...identity.body };
  const stream = out["stream"] === true;
  let clientWantsUsage = true;
  if (stream && format.usageOption) {
    const so = out["stream_options"];
    // vLLM: include_usage defaults to true inside stream_options, so {} already asks for usage.
    clientWantsUsage =
      isRecord(so) && so["include_usage"] !== false && so["include_usage"] !== null;
    out["stream_options"] = isRecord(so) ? { ...so, include_usage: true } : { include_usage: true };
  }
  return {
    format,
    programId: identity.programId,
    dockerIds: identity.dockerIds,
    stream,
    clientWantsUsage,
    closeOnEnd: identity.closeOnEnd,
    upstreamBody: JSON.stringify(out),
  };
}

/** {@link prepareRequest} for chat completions. */
export function prepareChatRequest(body: unknown, headers: HeaderBag = {}): PreparedRequest {
  return prepareRequest(CHAT_FORMAT, body, headers);
}
