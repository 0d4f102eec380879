/**
 * Reading and removing fields of a JSON body by key path, without mutating the body. An object
 * along the path that is `null` or absent means "not there"; anything else that is not an object
 * is the client's mistake and is reported with its path.
 * @module
 */

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** What `path` holds in `body`, or where the walk hit a non-object. */
export type PathLookup =
  | { kind: "value"; value: unknown }
  | { kind: "absent" }
  | { kind: "not-object"; at: string; value: unknown };

export function lookup(body: Record<string, unknown>, path: readonly string[]): PathLookup {
  let here: unknown = body;
  for (let i = 0; i < path.length; i++) {
    if (here === undefined || here === null) return { kind: "absent" };
    if (!isRecord(here)) return { kind: "not-object", at: path.slice(0, i).join("."), value: here };
    here = here[path[i]!];
  }
  return here === undefined ? { kind: "absent" } : { kind: "value", value: here };
}

/**
 * A copy of `body` without the field at `path`. Objects along the path are copied, not mutated;
 * an object the removal leaves empty is removed from its parent too (`extra_body: {}` goes).
 */
export function without(
  body: Record<string, unknown>,
  path: readonly string[],
): Record<string, unknown> {
  const [key, ...rest] = path;
  if (key === undefined || !(key in body)) return body;
  const out = { ...body };
  if (rest.length === 0) {
    delete out[key];
    return out;
  }
  const child = body[key];
  if (!isRecord(child)) return body;
  const pruned = without(child, rest);
  if (pruned === child) return body;
  if (Object.keys(pruned).length === 0) delete out[key];
  else out[key] = pruned;
  return out;
}
