/**
 * Python argparse's `allow_abbrev`: a long option may be shortened to any unique prefix
 * (`--metrics-int 2` is `--metrics-interval 2`); an exact name always wins; an ambiguous prefix is
 * an error listing the candidates. Done on argv before commander sees it.
 * @module
 */
import { UsageError } from "./usage-error.js";

export interface OptionShape {
  /** Long names without dashes → whether the option takes a value. */
  readonly longs: ReadonlyMap<string, boolean>;
  /** Short letters → whether the option takes a value. */
  readonly shorts: ReadonlyMap<string, boolean>;
}

function expandLong(name: string, longs: ReadonlyMap<string, boolean>): string {
  if (longs.has(name)) return name;
  const candidates = [...longs.keys()].filter((k) => k.startsWith(name));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1) {
    const list = candidates.map((c) => `--${c}`).join(", ");
    throw new UsageError(`ambiguous option: --${name} could match ${list}`);
  }
  return name; // unknown: commander reports it, with a suggestion
}

/** argv with every unique prefix of a long option replaced by the option's full name. */
export function expandAbbreviations(argv: readonly string[], shape: OptionShape): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") {
      out.push(...argv.slice(i));
      break;
    }
    let takesValue = false;
    if (token.startsWith("--") && token.length > 2) {
      const eq = token.indexOf("=");
      const name = expandLong(eq < 0 ? token.slice(2) : token.slice(2, eq), shape.longs);
      out.push(eq < 0 ? `--${name}` : `--${name}${token.slice(eq)}`);
      takesValue = eq < 0 && shape.longs.get(name) === true;
    } else {
      out.push(token);
      takesValue = /^-[^-]$/.test(token) && shape.shorts.get(token[1]!) === true;
    }
    // The next token is this option's value, whatever it looks like.
    if (takesValue && i + 1 < argv.length) out.push(argv[++i]!);
  }
  return out;
}
