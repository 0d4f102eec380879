/**
 * Command line of `pnpm bench:sched`, parsed by cli-kit and validated with zod.
 * @module
 */
import {
  UsageError,
  defineCli,
  helpText,
  parseAndValidate,
  type CliText,
  type OptionSpec,
  type ParseContext,
} from "@thunderagent/cli-kit";
import { PROFILE_NAMES } from "@thunderagent/engine-sim/profiles";
import { z } from "zod";
import { SCRAPE_POLICIES } from "./scrape-policy.js";
import { SYSTEMS } from "./systems.js";

export const SCHED_FLAGS = {
  quick: { help: "GLM-4.6 at N = 24 and 96 only (≤ 60 s)" },
  experiments: { help: "router-tr policy variants vs the paper's policy at GLM N = 24, 96" },
  checks: { help: "further out-of-sample checks: fig. 6b, table 2, fig. 4b (OpenHands)" },
  seeds: { value: "K", help: "repeat every point with K seeds and report the spread (default 1)" },
  seed: { value: "S", help: "first seed (default 1)" },
  workers: { value: "W", help: "worker threads (default 2)" },
  json: { value: "PATH", path: true, help: "write result rows as JSON" },
  "plots-dir": {
    value: "DIR",
    path: true,
    help: 'where the SVG plots go (default docs/results, none with --quick; "" = no plots)',
  },
  profile: { value: "P", help: `only this profile (${PROFILE_NAMES.join(" | ")})` },
  ns: { value: "24,96", help: "only these N" },
  systems: { value: "a,b", help: `only these systems (${SYSTEMS.join(", ")})` },
  "no-dp": { key: "dp", help: "skip the two-replica runs" },
  workload: { value: "JSON", help: "workload parameter overrides (calibration)" },
  engine: { value: "JSON", help: 'engine profile overrides, e.g. {"numGpuBlocks":70000}' },
  "router-options": {
    value: "JSON",
    help: "extra RouterOptions for the router systems (policy experiments)",
  },
  "scrape-policy": {
    value: "P",
    help: `capacity-model proposal emulated on the scrape (${SCRAPE_POLICIES.join(", ")})`,
  },
  variant: { value: "NAME", help: "label for the variant in the tables" },
  duration: { value: "S", help: "virtual seconds to simulate (default 4200 = minute 70)" },
  "scheduler-interval": {
    value: "S",
    help: "seconds between router ticks and scrapes (default 5)",
  },
  scenario: {
    value: "FILE",
    help: "run a scenario file (JSON or YAML, docs/scenarios.md): its systems at each of its N",
  },
  matrix: {
    value: "DIR,FILE",
    help: "run every scenario of these directories/files (e.g. scenarios/) and print the matrix",
  },
  "with-systems": {
    value: "FILE",
    help: "systems (YAML/JSON list) added to every scenario of --scenario/--matrix",
  },
} as const satisfies Record<string, OptionSpec>;

export const SCHED_CLI = defineCli(import.meta.url, {
  name: "bench:sched",
  summary:
    "The scheduling benchmark: the paper's sweep in virtual time (engine-sim's model, router-core, N closed-loop agents); prints the tables and writes the JSON rows and SVG plots.",
  options: SCHED_FLAGS,
  epilog:
    "A relative --json or --plots-dir is taken from the directory the command was run in (INIT_CWD\n" +
    "under pnpm); the default plots directory is the repository's docs/results.",
});

/** The `--help` text. */
export function usage(): string {
  return helpText(SCHED_CLI);
}

const csvInts = z
  .string()
  .regex(/^\d+(,\d+)*$/, "must be comma-separated integers")
  .transform((s) => s.split(",").map(Number));
const json = z.string().transform((s, ctx) => {
  try {
    const v: unknown = JSON.parse(s);
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
    return v as Record<string, unknown>;
  } catch (e) {
    ctx.addIssue({ code: "custom", message: `must be a JSON object (${(e as Error).message})` });
    return z.NEVER;
  }
});
const int = (min: number) => z.coerce.number().int().min(min);

const Options = z.object({
  quick: z.boolean().default(false),
  experiments: z.boolean().default(false),
  checks: z.boolean().default(false),
  seeds: int(1).default(1),
  seed: int(0).default(1),
  workers: int(1).max(64).default(2),
  json: z.string().min(1).optional(),
  plotsDir: z.string().optional(),
  profile: z.enum(PROFILE_NAMES).optional(),
  ns: csvInts.optional(),
  systems: z
    .string()
    .transform((s) => s.split(","))
    .pipe(z.array(z.enum(SYSTEMS)))
    .optional(),
  dp: z.boolean().default(true),
  workload: json.optional(),
  engine: json.optional(),
  routerOptions: json.optional(),
  scrapePolicy: z.enum(SCRAPE_POLICIES).optional(),
  variant: z.string().min(1).optional(),
  duration: z.coerce.number().positive().optional(),
  schedulerInterval: z.coerce.number().positive().optional(),
  scenario: z.string().min(1).optional(),
  matrix: z.string().min(1).optional(),
  withSystems: z.string().min(1).optional(),
});
export type CliOptions = z.infer<typeof Options>;

export { UsageError };

export type SchedCommandLine = CliOptions | CliText;

/** argv → the options, or the `--help`/`--version` text; throws {@link UsageError}. */
export function readCommandLine(argv: readonly string[], ctx: ParseContext = {}): SchedCommandLine {
  return parseAndValidate(SCHED_CLI, Options, argv, ctx);
}

/** argv → the options (`--help`/`--version` are a usage error here). */
export function parseCli(argv: readonly string[], ctx: ParseContext = {}): CliOptions {
  const cl = readCommandLine(argv, ctx);
  if ("kind" in cl) throw new UsageError(`--${cl.kind} asks for text, not options`);
  return cl;
}
