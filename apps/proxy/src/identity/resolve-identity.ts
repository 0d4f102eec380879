/**
 * Which program a request belongs to, whatever its wire format: the first source of
 * {@link sourcesInOrder} that is present names it (else `default`), every source present is
 * validated (a 400 naming the field), and the body that goes upstream is a copy without the
 * router's fields and the envelopes. Pure: the routes pass the parsed body and the headers.
 * @module
 */
import { z } from "zod";
import {
  DEFAULT_PROGRAM_ID,
  DOCKER_ID_MAX_LENGTH,
  DockerId,
  PROGRAM_ID_MAX_LENGTH,
  ProgramId,
} from "@thunderagent/protocol";
import { ProxyError } from "../errors.js";
import { isRecord, lookup, without } from "./body-paths.js";
import { closeRequested } from "./close-signal.js";
import { headerValue, type HeaderBag } from "./headers.js";
import {
  ROUTER_ONLY_KEYS,
  STRIPPED_ENVELOPES,
  sourceName,
  sourcesInOrder,
  type BodySource,
} from "./sources.js";

export interface Identity {
  /** The program the request belongs to. */
  programId: string;
  /** Where it came from: `program_id`, `header x-session-id`, … or `default`. */
  source: string;
  /** Containers named by `docker_ids` (top level and `extra_body`), deduplicated, empty ones dropped. */
  dockerIds: string[];
  /** The request carries the in-band close signal: release the program when its response ends. */
  closeOnEnd: boolean;
  /** A copy of the body without the router's fields and envelopes: what goes upstream. */
  body: Record<string, unknown>;
}

export interface IdentityOptions {
  /**
   * Route-specific body fields naming the program (e.g. `[["metadata", "program_id"]]` on
   * Anthropic's `/v1/messages`), tried after `program_id` and `extra_body.program_id`, before the
   * envelopes.
   */
  extraBodyPaths?: readonly (readonly string[])[];
  /** Remove those fields before forwarding (default true). */
  stripExtra?: boolean;
}

/** Container ids or names (protocol's grammar); empty ones are accepted and left out. */
const DockerIds = z.array(z.union([z.literal(""), DockerId]));

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return v.length === 0 ? "an empty string" : "a string";
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}

/** The value at `path`, or undefined; a 400 when an object along it is something else. */
function bodyField(body: Record<string, unknown>, path: readonly string[]): unknown {
  const found = lookup(body, path);
  if (found.kind === "not-object") {
    throw new ProxyError(400, `${found.at} must be an object`, "invalid_body", found.at);
  }
  return found.kind === "value" ? found.value : undefined;
}

function programIdAt(body: Record<string, unknown>, source: BodySource): string | undefined {
  const value = bodyField(body, source.path);
  if (value === undefined) return undefined;
  const parsed = ProgramId.safeParse(value);
  if (!parsed.success) {
    const param = sourceName(source);
    throw new ProxyError(
      400,
      `${param} must be a non-empty string or a number, got ${describe(value)}`,
      "invalid_program_id",
      param,
    );
  }
  return String(parsed.data);
}

function dockerIdsOf(body: Record<string, unknown>): string[] {
  const ids: string[] = [];
  for (const path of [["docker_ids"], ["extra_body", "docker_ids"]]) {
    const value = bodyField(body, path);
    if (value === undefined) continue;
    const parsed = DockerIds.safeParse(value);
    const param = path.join(".");
    if (!parsed.success) {
      throw new ProxyError(
        400,
        `${param} must be an array of container ids or names ([a-zA-Z0-9][a-zA-Z0-9_.-]*, at most ${DOCKER_ID_MAX_LENGTH} characters)`,
        "invalid_body",
        param,
      );
    }
    ids.push(...parsed.data);
  }
  return [...new Set(ids.filter((id) => id.length > 0))];
}

function stripped(
  body: Record<string, unknown>,
  extra: readonly BodySource[],
): Record<string, unknown> {
  let out = body;
  for (const key of ROUTER_ONLY_KEYS) {
    out = without(out, [key]);
    out = without(out, ["extra_body", key]);
  }
  for (const path of STRIPPED_ENVELOPES) out = without(out, path);
  for (const source of extra) out = without(out, source.path);
  return out;
}

/**
 * The request's program, containers, close signal and upstream body. Throws a 400
 * {@link ProxyError} for a body that is not an object or a router field of the wrong type.
 */
export function resolveIdentity(
  body: unknown,
  headers: HeaderBag = {},
  options: IdentityOptions = {},
): Identity {
  if (!isRecord(body)) {
    const what = body === undefined ? "an empty body" : describe(body);
    throw new ProxyError(400, `request body must be a JSON object, got ${what}`, "invalid_body");
  }
  const extra = (options.extraBodyPaths ?? []).map((path): BodySource => ({ kind: "body", path }));
  let found: { programId: string; source: string } | undefined;
  for (const source of sourcesInOrder(extra)) {
    // Body fields are all validated, present or not after the winner; headers only until one wins.
    const programId =
      source.kind === "body"
        ? programIdAt(body, source)
        : found
          ? undefined
          : headerValue(headers, source.name);
    if (programId !== undefined && !found) found = { programId, source: sourceName(source) };
  }
  if (found && found.programId.length > PROGRAM_ID_MAX_LENGTH) {
    throw new ProxyError(
      400,
      `${found.source} must be at most ${PROGRAM_ID_MAX_LENGTH} characters, got ${found.programId.length}`,
      "invalid_program_id",
      found.source,
    );
  }
  const dockerIds = dockerIdsOf(body);
  const closeOnEnd = closeRequested(body, headers);
  return {
    ...(found ?? { programId: DEFAULT_PROGRAM_ID, source: "default" }),
    dockerIds,
    closeOnEnd,
    body: stripped(body, options.stripExtra === false ? [] : extra),
  };
}
