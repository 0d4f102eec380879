/**
 * The command line of `pnpm bench:vs-original` (cli-kit), then the run-shaping flags are handed to
 * reproduce's own parser (so a window, a port or a worker count is validated exactly as
 * `pnpm reproduce --simulate` validates it).
 * @module
 */
import {
  UsageError,
  camelCase,
  defineCli,
  helpText,
  parseCommandLine,
  resolveFromCaller,
  validate,
  type CliText,
  type OptionSpec,
  type ParseContext,
} from "@thunderagent/cli-kit";
import { z } from "zod";
import {
  PRESET_NAMES,
  UsageError as ReproduceUsageError,
  isPresetName,
  parseOptions as parseReproduceOptions,
  type Options as ReproduceOptions,
  type PresetName,
} from "@thunderagent/reproduce";
import { PLACEHOLDERS, checkTemplate } from "./template.js";

export { UsageError };

export interface VsOptions {
  readonly originalCmd: string;
  /** Re-render the table and the report from this rows file instead of running anything. */
  readonly render: string | null;
  readonly preset: PresetName;
  readonly rounds: number;
  readonly dryRun: boolean;
  /** Where the rows go (JSON, rewritten after every run); null = `<session dir>/rows.json`. */
  readonly json: string | null;
  /** Markdown report path; null = none. */
  readonly report: string | null;
  /** Logs root (absolute): each run gets `<logs>/<session>/<round>-<system>/`. */
  readonly logsDir: string;
  /** reproduce's options for one simulated router run (window, ports, workers, …). */
  readonly reproduce: ReproduceOptions;
  /** The arguments as given, for the report. */
  readonly argv: readonly string[];
}

/** Flags passed through to reproduce's parser unchanged (what they mean there). */
const PASS_THROUGH = {
  output: { value: "DIR", short: "o", help: "the runners' output root" },
  window: { value: "A:B", help: "measurement window in simulated minutes (10:70)" },
  duration: { value: "MIN", help: "stop each run after MIN minutes" },
  "time-scale": { value: "X", help: "real seconds per simulated second" },
  workers: { value: "N", short: "w", help: "agents per run" },
  "vllm-port": { value: "P", help: "engine-sim's port" },
  "proxy-port": { value: "P", help: "the router's port" },
  host: { value: "H", help: "listen address of the engine and the router" },
  grace: { value: "S", help: "seconds between SIGTERM and SIGKILL when stopping" },
} as const satisfies Record<string, OptionSpec>;

export const VS_FLAGS = {
  "original-cmd": { value: "CMD", help: "the Python original's command line (see below)" },
  preset: { value: "NAME", help: `${PRESET_NAMES.join(" | ")} (glm4.6)` },
  rounds: {
    value: "K",
    help: "rounds; round r runs the three systems rotated by r (3)",
    expect: "a whole number ≥ 1",
  },
  "dry-run": { help: "print the schedule and every command, run nothing" },
  render: {
    value: "ROWS.json",
    path: true,
    help: "run nothing: print the table and verdict of an earlier session's rows (the profile statistics recomputed from its CSVs when they still exist) and write --report / --json from them",
  },
  json: {
    value: "PATH",
    path: true,
    help: "the rows (JSON, rewritten atomically after each run; default <session>/rows.json)",
  },
  report: {
    value: "PATH",
    path: true,
    help: "also write a markdown report there (e.g. docs/results/vs-original.md)",
  },
  "logs-dir": {
    value: "DIR",
    path: true,
    help: "logs root (./logs/vs-original); every run in <DIR>/<session>/<round>-<system>/",
  },
  ...Object.fromEntries(
    Object.entries(PASS_THROUGH).map(([flag, spec]) => [
      flag,
      { ...spec, group: "Passed to reproduce --simulate:" },
    ]),
  ),
} as Record<string, OptionSpec>;

export const VS_CLI = defineCli(import.meta.url, {
  name: "bench:vs-original",
  usage: '--original-cmd "<command template>" [options]',
  summary: `Runs reproduce's simulated pipeline (engine-sim with the preset's profile, its agents (12) on the sample
dataset in local sandboxes, time-compressed) with three routers, interleaved round by round:
  python-original        the --original-cmd template (the Python ThunderAgent)
  ours-original-policy   this repository's proxy with --policy original
  ours-default           this repository's proxy with its defaults
and prints steps/min per round, mean, min-max and the window KV hit rate of each, then
"original-policy mode within the Python original's spread: PASS|FAIL".`,
  options: VS_FLAGS,
  epilog: `--original-cmd is run with /bin/sh -c; placeholders:
${Object.entries(PLACEHOLDERS)
  .map(([k, v]) => `  {${k}}  ${v}`)
  .join("\n")}
  ({port}, {backends} and {profile_dir} are required)

example (the Python original checked out in /tmp/ta-original, Debian's python3 with fastapi,
uvicorn and httpx):
  pnpm bench:vs-original --original-cmd "cd /tmp/ta-original && /usr/bin/python3 -m ThunderAgent \\
    --host {host} --port {port} --backends {backends} --router tr --metrics --profile \\
    --profile-dir {profile_dir} --scheduler-interval {scheduler_interval} \\
    --metrics-interval {metrics_interval} --log-level warning"`,
});

/** The `--help` text. */
export function usage(): string {
  return helpText(VS_CLI);
}

const VsSchema = z.object({
  originalCmd: z.string().min(1).optional(),
  render: z.string().min(1).optional(),
  preset: z
    .custom<PresetName>((v) => typeof v === "string" && isPresetName(v), {
      message: `must be one of ${PRESET_NAMES.join(", ")}`,
    })
    .default("glm4.6"),
  rounds: z.coerce.number().int().min(1).default(3),
  dryRun: z.boolean().default(false),
  json: z.string().min(1).optional(),
  report: z.string().min(1).optional(),
  logsDir: z.string().min(1).optional(),
});

/** The pass-through flags as reproduce's argv: `<preset> --simulate --window 1:2 …`. */
function reproduceArgv(preset: PresetName, values: Readonly<Record<string, unknown>>): string[] {
  const rest: string[] = [preset, "--simulate"];
  for (const flag of Object.keys(PASS_THROUGH)) {
    const val = values[camelCase(flag)];
    if (typeof val === "string") rest.push(`--${flag}`, val);
  }
  return rest;
}

function parseReproduce(argv: readonly string[]): ReproduceOptions {
  try {
    const o = parseReproduceOptions(argv);
    if (o === "help") throw new UsageError("unexpected --help"); // not reachable
    return o;
  } catch (err) {
    if (err instanceof ReproduceUsageError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * Parses argv (without node and the script); throws UsageError naming the flag. Path options
 * come back absolute (from the caller's directory: INIT_CWD under pnpm, else the cwd).
 */
export function readVsCommandLine(
  argv: readonly string[],
  ctx: ParseContext = {},
): VsOptions | CliText {
  const parsed = parseCommandLine(VS_CLI, argv, ctx);
  if (parsed.kind !== "run") return parsed;
  const v = validate(VS_CLI, VsSchema, parsed);
  const common = {
    preset: v.preset,
    rounds: v.rounds,
    json: v.json ?? null,
    report: v.report ?? null,
    logsDir: v.logsDir ?? resolveFromCaller("./logs/vs-original", ctx.env, ctx.cwd),
    argv: [...argv],
  };
  if (v.render !== undefined) {
    return {
      ...common,
      originalCmd: v.originalCmd ?? "",
      render: v.render,
      dryRun: false,
      reproduce: parseReproduce([v.preset, "--simulate"]),
    };
  }
  if (v.originalCmd === undefined) {
    throw new UsageError("--original-cmd is required (the Python original's command template)");
  }
  const problems = checkTemplate(v.originalCmd);
  if (problems.length > 0) throw new UsageError(problems.join("; "));
  return {
    ...common,
    originalCmd: v.originalCmd,
    render: null,
    dryRun: v.dryRun,
    reproduce: parseReproduce(reproduceArgv(v.preset, parsed.values)),
  };
}

/** {@link readVsCommandLine}, with "help" for `--help`/`--version`. */
export function parseVsOptions(
  argv: readonly string[],
  ctx: ParseContext = {},
): VsOptions | "help" {
  const cl = readVsCommandLine(argv, ctx);
  return "kind" in cl ? "help" : cl;
}
