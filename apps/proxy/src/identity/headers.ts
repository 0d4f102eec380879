/**
 * Request headers as Node gives them (`IncomingHttpHeaders`: lower-case names) or as any caller
 * builds them (any case): read case-insensitively, first value of a repeated header, trimmed.
 * @module
 */

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The header's first non-empty value (trimmed), or undefined. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let raw = headers[wanted];
  if (raw === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === wanted) {
        raw = headers[key];
        break;
      }
    }
  }
  const first = typeof raw === "string" ? raw : raw?.[0];
  const value = first?.trim();
  return value ? value : undefined;
}
