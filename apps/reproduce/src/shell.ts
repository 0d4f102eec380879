/** Printing commands the way a shell would read them back (for --dry-run and the logs). */

export function shellQuote(word: string): string {
  if (word !== "" && /^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `ENV=v cmd arg …`, every word quoted when needed. */
export function formatCommand(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): string {
  const prefix = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
  return [...prefix, shellQuote(command), ...args.map(shellQuote)].join(" ");
}
