/**
 * Turning zod failures into messages a person can act on: every issue names the path it is about
 * (`messages[2].role: Invalid option: expected one of …`).
 * @module
 */
import type { z } from "zod";

/** Renders a zod issue path the way a JS/JSON reader writes it: `a.b[2].c`, `["odd key"]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key))
      out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || "(root)";
}

/** One line per issue, `path: message`. */
export function formatIssues(issues: ReadonlyArray<z.core.$ZodIssue>): string {
  return issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join("; ");
}

/** Thrown by {@link parseOrThrow}; `issues` keeps the structured form. */
export class ProtocolValidationError extends Error {
  override readonly name = "ProtocolValidationError";
  constructor(
    readonly what: string,
    readonly issues: ReadonlyArray<z.core.$ZodIssue>,
  ) {
    super(`invalid ${what}: ${formatIssues(issues)}`);
  }
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Parses `value` with `schema`; on failure the message names every bad path. Never throws. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): ParseResult<z.output<S>> {
  const res = schema.safeParse(value);
  if (res.success) return { ok: true, value: res.data };
  return { ok: false, message: `invalid ${what}: ${formatIssues(res.error.issues)}` };
}

/** Parses `value` with `schema`, throwing {@link ProtocolValidationError} on failure. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  throw new ProtocolValidationError(what, res.error.issues);
}
