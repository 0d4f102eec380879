/**
 * Turns a chat-completions body into what goes upstream. Only the router's own fields are
 * validated here (a full parse of a 100K-token `messages` array is the engine's job, and vLLM
 * answers a bad one with a 400 the client receives unchanged).
 * @module
 */
import { ProgramId, resolveRouting, stripRouterFields } from "@thunderagent/protocol";
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

function checkProgramId(value: unknown, param: string): void {
  if (value === undefined) return;
  if (!ProgramId.safeParse(value).success) {
    throw new ProxyError(
      400,
      `${param} must be a non-empty string or a number, got ${describe(value)}`,
      "invalid_program_id",
      param,
    );
  }
}

function checkDockerIds(value: unknown, param: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v.length === 0)) {
    throw new ProxyError(
      400,
      `${param} must be an array of non-empty strings`,
      "invalid_body",
      param,
    );
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v === undefined) return "an empty body";
  if (typeof v === "string") return v.length === 0 ? "an empty string" : "a string";
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
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
  checkProgramId(body["program_id"], "program_id");
  checkDockerIds(body["docker_ids"], "docker_ids");
  const extra = body["extra_body"];
  if (extra !== undefined && extra !== null && !isRecord(extra)) {
    throw new ProxyError(400, "extra_body must be an object", "invalid_body", "extra_body");
  }
  if (isRecord(extra)) {
    checkProgramId(extra["program_id"], "extra_body.program_id");
    checkDockerIds(extra["docker_ids"], "extra_body.docker_ids");
  }
  const routing = resolveRouting({
    program_id: body["program_id"] as string | number | undefined,
    docker_ids: body["docker_ids"] as string[] | undefined,
    extra_body: isRecord(extra)
      ? {
          program_id: extra["program_id"] as string | number | undefined,
          docker_ids: extra["docker_ids"] as string[] | undefined,
        }
      : undefined,
  });

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
