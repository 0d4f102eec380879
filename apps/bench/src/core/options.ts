/**
 * The command line of `pnpm bench:core` (cli-kit): `--help`/`--version` print and run nothing.
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  defineCli,
  flagBool,
  parseAndValidate,
  type CliText,
  type OptionSpec,
  type ParseContext,
} from "@thunderagent/cli-kit";
import { z } from "zod";

/** docs/results/router-core.md in this repository (the tracked results). */
export const DEFAULT_CORE_REPORT = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../../../docs/results/router-core.md",
);

export const CORE_FLAGS = {
  ticks: { value: "N", help: "measured ticks per replay (200)", expect: "a whole number ≥ 1" },
  replays: {
    value: "N",
    help: "replays of the tick run; each tick keeps its fastest (3)",
    expect: "a whole number ≥ 1",
  },
  pairs: {
    value: "N",
    help: "arrive+complete pairs per throughput round (300000)",
    expect: "a whole number ≥ 1",
  },
  rounds: {
    value: "N",
    help: "throughput rounds; the median is reported (5)",
    expect: "a whole number ≥ 1",
  },
  out: {
    value: "PATH",
    short: "o",
    path: true,
    help: "where the markdown goes (docs/results/router-core.md)",
  },
  "no-write": { key: "write", help: "print the table only; write no markdown" },
} as const satisfies Record<string, OptionSpec>;

export const CORE_CLI = defineCli(import.meta.url, {
  name: "bench:core",
  summary:
    "router-core speed: one tick with 10,000 programs over 16 backends (target < 5 ms) and arrive+respond pairs per second (target ≥ 100,000). Prints a table with PASS/FAIL and writes it as markdown.",
  options: CORE_FLAGS,
  epilog:
    "A relative --out is taken from the directory the command was run in (INIT_CWD under pnpm).",
});

const count = z.coerce.number().int().min(1);

const CoreOptions = z.object({
  ticks: count.default(200),
  replays: count.default(3),
  pairs: count.default(300_000),
  rounds: count.default(5),
  out: z.string().min(1).default(DEFAULT_CORE_REPORT),
  write: flagBool.default(true),
});
export type CoreOptions = z.output<typeof CoreOptions>;

export type CoreCommandLine = CoreOptions | CliText;

/** argv → the options, or the `--help`/`--version` text; throws cli-kit's UsageError. */
export function readCoreCommandLine(
  argv: readonly string[],
  ctx: ParseContext = {},
): CoreCommandLine {
  return parseAndValidate(CORE_CLI, CoreOptions, argv, ctx);
}
