/**
 * A {@link CliDefinition} as a commander `Command`: options, positionals, `--help`, `--version`,
 * output captured (nothing is written, nothing exits: the caller decides).
 * @module
 */
import { Command, Option } from "commander";
import type { OptionShape } from "./abbreviations.js";
import { optionEnv, type CliDefinition, type OptionSpec } from "./spec.js";

const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

function optionFlags(flag: string, spec: OptionSpec): string {
  const long = `--${flag}`;
  const value = spec.value === undefined ? "" : ` <${spec.value}${spec.variadic ? "..." : ""}>`;
  return `${spec.short ? `-${spec.short}, ` : ""}${long}${value}`;
}

export interface BuiltCommand {
  readonly command: Command;
  /** Option flag → commander's attribute name. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly output: { out: string; err: string };
}

export function buildCommand(def: CliDefinition): BuiltCommand {
  const output = { out: "", err: "" };
  const command = new Command(def.name)
    .description(def.summary)
    .version(def.version, "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "print this help and exit")
    .exitOverride()
    .allowExcessArguments(false)
    .configureHelp({ sortOptions: false, helpWidth: 100 })
    .configureOutput({
      writeOut: (s) => (output.out += s),
      writeErr: (s) => (output.err += s),
      outputError: () => {},
    });
  if (def.usage !== undefined) command.usage(def.usage);
  const attributes = new Map<string, string>();
  for (const [flag, spec] of Object.entries(def.options)) {
    const env = optionEnv(def, flag, spec);
    const option = new Option(optionFlags(flag, spec), env ? `${spec.help} [$${env}]` : spec.help);
    if (spec.repeat && !spec.variadic) option.argParser(collect);
    if (spec.group) option.helpGroup(spec.group);
    command.addOption(option);
    attributes.set(flag, option.attributeName());
  }
  for (const arg of def.args ?? []) {
    command.argument(arg.required === false ? `[${arg.name}]` : `<${arg.name}>`, arg.help);
  }
  if (def.epilog) command.addHelpText("after", `\n${def.epilog.replace(/\n+$/, "")}`);
  return { command, attributes, output };
}

/** Which options take a value, for argparse-style prefixes. */
export function optionShape(def: CliDefinition): OptionShape {
  const longs = new Map<string, boolean>([
    ["help", false],
    ["version", false],
  ]);
  const shorts = new Map<string, boolean>([
    ["h", false],
    ["V", false],
  ]);
  for (const [flag, spec] of Object.entries(def.options)) {
    longs.set(flag, spec.value !== undefined);
    if (spec.short) shorts.set(spec.short, spec.value !== undefined);
  }
  return { longs, shorts };
}

/** The `--help` text. */
export function helpText(def: CliDefinition): string {
  return buildCommand(def).command.helpInformation();
}
