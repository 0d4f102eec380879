/**
 * Parsing a command line and the environment against a {@link CliDefinition}: argparse-style
 * prefixes (when asked for), commander, then each option's variable when its flag is absent, then
 * path options resolved against the caller's directory. Values stay raw strings (or booleans,
 * arrays): the app's zod schema validates them (`validate`).
 * @module
 */
import { CommanderError } from "commander";
import { expandAbbreviations } from "./abbreviations.js";
import { resolveFromCaller, type Env } from "./caller-cwd.js";
import { buildCommand, optionShape } from "./command.js";
import { optionEnv, optionKey, type CliDefinition, type OptionSpec } from "./spec.js";
import { UsageError } from "./usage-error.js";

export type RawValue = string | boolean | readonly string[];

export interface ParseContext {
  /** Default process.env. */
  readonly env?: Env;
  /** Default process.cwd(). */
  readonly cwd?: string;
}

export interface ParsedArgs {
  readonly kind: "run";
  /** The given options' raw values by key (absent = neither flag nor variable). */
  readonly values: Readonly<Record<string, RawValue>>;
  /** Where each value came from: `"cli"`, or the environment variable's name. */
  readonly sources: Readonly<Record<string, string>>;
  /** Positional arguments by their declared name. */
  readonly args: Readonly<Record<string, string>>;
}

/** What `--help` and `--version` return instead of options: the text to print, nothing to run. */
export interface CliText {
  readonly kind: "help" | "version";
  readonly text: string;
}

/** Whether a command line's result is the `--help`/`--version` text rather than options. */
export function isCliText(value: unknown): value is CliText {
  if (typeof value !== "object" || value === null) return false;
  const { kind, text } = value as { kind?: unknown; text?: unknown };
  return (kind === "help" || kind === "version") && typeof text === "string";
}

export type ParsedCommandLine = CliText | ParsedArgs;

/** commander's `error: unknown option '--x'\n(Did you mean --y?)` as one plain line. */
function plainCommanderMessage(message: string): string {
  return message
    .replace(/^error: /, "")
    .replace(/\s*\n\(Did you mean (.+)\?\)\s*$/, "; did you mean $1?")
    .replace(/\s*\n\s*/g, "; ");
}

function fromEnv(spec: OptionSpec, text: string): RawValue {
  if (spec.repeat || spec.variadic) {
    return text
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
  }
  return text;
}

function resolvePaths(value: RawValue, env: Env, cwd: string): RawValue {
  if (typeof value === "string") return value === "" ? value : resolveFromCaller(value, env, cwd);
  if (typeof value === "boolean") return value;
  return value.map((v) => (v === "" ? v : resolveFromCaller(v, env, cwd)));
}

/** Parses argv (without node and the script); throws {@link UsageError} with one plain line. */
export function parseCommandLine(
  def: CliDefinition,
  argv: readonly string[],
  ctx: ParseContext = {},
): ParsedCommandLine {
  const env = ctx.env ?? process.env;
  const cwd = ctx.cwd ?? process.cwd();
  const args = def.abbreviations ? expandAbbreviations(argv, optionShape(def)) : [...argv];
  const { command, attributes, output } = buildCommand(def);
  try {
    command.parse(args, { from: "user" });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === "commander.helpDisplayed" || err.code === "commander.help") {
      return { kind: "help", text: output.out };
    }
    if (err.code === "commander.version") return { kind: "version", text: output.out };
    throw new UsageError(plainCommanderMessage(err.message));
  }
  const values: Record<string, RawValue> = {};
  const sources: Record<string, string> = {};
  for (const [flag, spec] of Object.entries(def.options)) {
    const key = optionKey(flag, spec);
    const attr = attributes.get(flag)!;
    let value: RawValue | undefined;
    if (command.getOptionValueSource(attr) === "cli") {
      value = command.getOptionValue(attr) as RawValue;
      sources[key] = "cli";
    } else {
      const name = optionEnv(def, flag, spec);
      const text = name === null ? undefined : env[name];
      if (name !== null && text !== undefined && text !== "") {
        value = fromEnv(spec, text);
        sources[key] = name;
      }
    }
    if (value === undefined) continue;
    values[key] = spec.path ? resolvePaths(value, env, cwd) : value;
  }
  const positional: Record<string, string> = {};
  (def.args ?? []).forEach((a, i) => {
    const v = command.args[i];
    if (v !== undefined) positional[a.name] = v;
  });
  return { kind: "run", values, sources, args: positional };
}
