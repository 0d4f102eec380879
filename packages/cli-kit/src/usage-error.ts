/**
 * A bad command line or environment: the app prints one line naming the flag and pointing to
 * `--help`, and exits 2.
 * @module
 */

export class UsageError extends Error {
  override readonly name: string = "UsageError";
}

/** Exit code of a usage error (argparse's). */
export const USAGE_EXIT_CODE = 2;

/** The one line printed for a usage error: `<name>: <message> (see --help)`. */
export function usageLine(name: string, message: string): string {
  const oneLine = message.replace(/\s*\n\s*/g, "; ").trim();
  return `${name}: ${oneLine} (see --help)\n`;
}

/**
 * Writes the usage line and returns 2 when `err` is a usage error (an instance of
 * {@link UsageError} or of one of `also`), else undefined (the caller rethrows).
 */
export function reportUsageError(
  name: string,
  err: unknown,
  write: (text: string) => void = (t) => process.stderr.write(t),
  also: readonly (abstract new (...args: never[]) => Error)[] = [],
): number | undefined {
  if (!(err instanceof UsageError) && !also.some((c) => err instanceof c)) return undefined;
  write(usageLine(name, (err as Error).message));
  return USAGE_EXIT_CODE;
}
