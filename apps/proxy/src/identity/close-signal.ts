/**
 * The in-band close signal: a request that says its program ends with it, so the agent needs no
 * `POST /programs/release`. The program is released when the request's response ends.
 * @module
 */
import { z } from "zod";
import { ProxyError } from "../errors.js";
import { lookup } from "./body-paths.js";
import { headerValue, type HeaderBag } from "./headers.js";

/** Headers whose value `true` (any case) closes the program. */
export const CLOSE_HEADERS = ["x-session-final", "x-dynamo-trajectory-final"] as const;

/** Dynamo's body flag (read before the envelope is stripped). */
export const CLOSE_BODY_PATH = ["nvext", "agent_context", "trajectory_final"] as const;

const Flag = z.boolean().nullable();

/** Whether the request carries a close signal; a 400 when the body flag is not a boolean. */
export function closeRequested(body: Record<string, unknown>, headers: HeaderBag): boolean {
  for (const name of CLOSE_HEADERS) {
    if (headerValue(headers, name)?.toLowerCase() === "true") return true;
  }
  const found = lookup(body, CLOSE_BODY_PATH);
  if (found.kind !== "value") return false;
  const parsed = Flag.safeParse(found.value);
  if (!parsed.success) {
    const param = CLOSE_BODY_PATH.join(".");
    throw new ProxyError(400, `${param} must be a boolean`, "invalid_body", param);
  }
  return parsed.data === true;
}
