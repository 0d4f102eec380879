/**
 * The command line of `pnpm conformance:record` / `conformance:check` (cli-kit): the mode, where
 * the router comes from, which scenarios, the intervals. `--help` and `--version` run nothing; a
 * relative `--original` checkout is the caller's (INIT_CWD under pnpm).
 * @module
 */
import {
  UsageError,
  defineCli,
  isCliText,
  parseAndValidate,
  type CliText,
  type OptionSpec,
  type ParseContext,
} from "@thunderagent/cli-kit";
import { z } from "zod";

export const CONFORMANCE_FLAGS = {
  original: {
    value: "CHECKOUT",
    path: true,
    help: "record from the Python original in this checkout",
  },
  python: {
    value: "PYTHON",
    help: "the Python that runs it (python3; needs fastapi, uvicorn, httpx)",
  },
  "router-cmd": {
    value: "TEMPLATE",
    help: "any router command instead ({port}, {backends}, {profileDir}, … filled in); check: default our proxy --policy original",
  },
  label: { value: "NAME", help: "record: the router's name in the traces (custom)" },
  commit: { value: "SHA", help: "record: the router's commit in the traces" },
  scenario: { value: "NAME", repeat: true, help: "only this scenario (repeatable; default all)" },
  "scheduler-interval": { value: "S", help: "the router's --scheduler-interval (0.2)" },
  "metrics-interval": { value: "S", help: "the router's --metrics-interval (0.1)" },
} as const satisfies Record<string, OptionSpec>;

export const CONFORMANCE_CLI = defineCli(import.meta.url, {
  name: "conformance",
  usage: "record|check [options]",
  summary:
    "Black-box conformance: record golden traces from a router (the Python original), or replay every scenario against ours and print the differences.",
  options: CONFORMANCE_FLAGS,
  args: [{ name: "mode", help: "record | check" }],
  epilog: [
    "  conformance record --original <checkout> [--python python3]",
    '  conformance record --router-cmd "<template>" --label <name> [--commit <sha>]',
    '  conformance check [--router-cmd "<template>"]',
  ].join("\n"),
});

const Options = z.object({
  mode: z.enum(["record", "check"]),
  original: z.string().min(1).optional(),
  python: z.string().min(1).default("python3"),
  routerCmd: z.string().min(1).optional(),
  label: z.string().min(1).optional(),
  commit: z.string().min(1).optional(),
  scenario: z.array(z.string().min(1)).default([]),
  schedulerInterval: z.coerce.number().positive().default(0.2),
  metricsInterval: z.coerce.number().positive().default(0.1),
});
export type ConformanceOptions = z.output<typeof Options>;

/** argv → the options, or the `--help`/`--version` text; throws cli-kit's UsageError. */
export function readConformanceCommandLine(
  argv: readonly string[],
  ctx: ParseContext = {},
): ConformanceOptions | CliText {
  const o = parseAndValidate(CONFORMANCE_CLI, Options, argv, ctx);
  if (isCliText(o)) return o;
  if (o.mode === "record" && o.original === undefined && o.routerCmd === undefined) {
    throw new UsageError("record needs --original or --router-cmd");
  }
  return o;
}
