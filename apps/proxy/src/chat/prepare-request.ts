/**
 * Turns a chat-completions body into what goes upstream. Only the router's own fields are
 * validated here, by the identity module (a full parse of a 100K-token `messages` array is the
 * engine's job, and vLLM answers a bad one with a 400 the client receives unchanged).
 * @module
 */
import { isRecord } from "../identity/body-paths.js";
import { resolveIdentity, type HeaderBag } from "../identity/index.js";

export interface PreparedRequest {
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

/** Validates the router fields, resolves the program (body, envelopes, headers) and builds the upstream body. */
export function prepareChatRequest(body: unknown, headers: HeaderBag = {}): PreparedRequest {
  const identity = resolveIdentity(body, headers);
  const out = { ...identity.body };
  const stream = out["stream"] === true;
  let clientWantsUsage = false;
  if (stream) {
    const so = out["stream_options"];
    // vLLM: include_usage defaults to true inside stream_options, so {} already asks for usage.
    clientWantsUsage =
      isRecord(so) && so["include_usage"] !== false && so["include_usage"] !== null;
    out["stream_options"] = isRecord(so) ? { ...so, include_usage: true } : { include_usage: true };
  }
  return {
    programId: identity.programId,
    dockerIds: identity.dockerIds,
    stream,
    clientWantsUsage,
    closeOnEnd: identity.closeOnEnd,
    upstreamBody: JSON.stringify(out),
  };
}
