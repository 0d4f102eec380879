/**
 * Turns a chat-completions body into what goes upstream. Only the router's own fields are
 * validated here, by protocol's `RequestRouting` schema (a full parse of a 100K-token `messages`
 * array is the engine's job, and vLLM answers a bad one with a 400 the client receives unchanged).
 * @module
 */
import { RequestRouting, resolveRouting, stripRouterFields } from "@thunderagent/protocol";
import { ProxyError } from "../errors.js";

export interface PreparedRequest {
  programId: string;
  dockerIds: string[];
  stream: boolean;
  /** The client asked for the usage-only chunk itself (so it is not removed from the stream). */
  clientWantsUsage: boolean;
  /** The JSON text sent upstream. */
  upstreamBody: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v === undefined) return "an empty body";
  if (typeof v === "string") return v.length === 0 ? "an empty string" : "a string";
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}

/** The router fields of `body`, checked by the protocol schema; a 400 naming the first bad one. */
function routingOf(body: Record<string, unknown>): RequestRouting {
  const picked = {
    program_id: body["program_id"],
    docker_ids: body["docker_ids"],
    extra_body: body["extra_body"],
  };
  const parsed = RequestRouting.safeParse(picked);
  if (parsed.success) return parsed.data;
  // The issue's path names the field: program_id, docker_ids[i], extra_body, extra_body.program_id…
  const path = parsed.error.issues[0]!.path.filter((k): k is string => typeof k === "string");
  const param = path.join(".");
  const field = path[path.length - 1];
  if (field === "program_id") {
    const value = path.reduce<unknown>((v, k) => (isRecord(v) ? v[k] : undefined), picked);
    throw new ProxyError(
      400,
      `${param} must be a non-empty string or a number, got ${describe(value)}`,
      "invalid_program_id",
      param,
    );
  }
  if (field === "docker_ids") {
    throw new ProxyError(400, `${param} must be an array of strings`, "invalid_body", param);
  }
  throw new ProxyError(400, "extra_body must be an object", "invalid_body", "extra_body");
}

/** Validates the router fields, resolves routing and builds the upstream body. */
export function prepareChatRequest(body: unknown): PreparedRequest {
  if (!isRecord(body)) {
    throw new ProxyError(
      400,
      `request body must be a JSON object, got ${describe(body)}`,
      "invalid_body",
    );
  }
  const routing = resolveRouting(routingOf(body));

  const out = stripRouterFields(body);
  const stream = body["stream"] === true;
  let clientWantsUsage = false;
  if (stream) {
    const so = body["stream_options"];
    // vLLM: include_usage defaults to true inside stream_options, so {} already asks for usage.
    clientWantsUsage =
      isRecord(so) && so["include_usage"] !== false && so["include_usage"] !== null;
    out["stream_options"] = isRecord(so) ? { ...so, include_usage: true } : { include_usage: true };
  }
  return {
    programId: routing.programId,
    dockerIds: routing.dockerIds,
    stream,
    clientWantsUsage,
    upstreamBody: JSON.stringify(out),
  };
}
