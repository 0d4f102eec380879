/**
 * The command line of `pnpm bench:vs-original`: node:util's parseArgs, then the run-shaping flags
 * are handed to reproduce's own parser (so a window, a port or a worker count is validated exactly
 * as `pnpm reproduce --simulate` validates it).
 * @module
 */
import { parseArgs } from "node:util";
import {
  PRESET_NAMES,
  UsageError as ReproduceUsageError,
  isPresetName,
  parseOptions as parseReproduceOptions,
  type Options as ReproduceOptions,
  type PresetName,
} from "@thunderagent/reproduce";
import { PLACEHOLDERS, checkTemplate } from "./template.js";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

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
  /** Logs root: each run gets `<logs>/<session>/<round>-<system>/`. */
  readonly logsDir: string;
  /** reproduce's options for one simulated router run (window, ports, workers, …). */
  readonly reproduce: ReproduceOptions;
  /** The arguments as given, for the report. */
  readonly argv: readonly string[];
}

const FLAGS = {
  "original-cmd": { type: "string" },
  render: { type: "string" },
  preset: { type: "string" },
  rounds: { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "string" },
  report: { type: "string" },
  "logs-dir": { type: "string" },
  output: { type: "string", short: "o" },
  window: { type: "string" },
  duration: { type: "string" },
  "time-scale": { type: "string" },
  workers: { type: "string", short: "w" },
  "vllm-port": { type: "string" },
  "proxy-port": { type: "string" },
  host: { type: "string" },
  grace: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Flags passed through to reproduce's parser unchanged. */
const PASS_THROUGH = [
  "output",
  "window",
  "duration",
  "time-scale",
  "workers",
  "vllm-port",
  "proxy-port",
  "host",
  "grace",
] as const;

export const USAGE = `usage: pnpm bench:vs-original --original-cmd "<command template>" [flags]

Runs reproduce's simulated pipeline (engine-sim with the preset's profile, 24 agents on the sample
dataset in local sandboxes, time-compressed) with three routers, interleaved round by round:
  python-original        the --original-cmd template (the Python ThunderAgent)
  ours-original-policy   this repository's proxy with --policy original
  ours-default           this repository's proxy with its defaults
and prints steps/min per round, mean, min-max and the window KV hit rate of each, then
"original-policy mode within the Python original's spread: PASS|FAIL".

  --original-cmd CMD   the Python original's command line, run with /bin/sh -c; placeholders:
${Object.entries(PLACEHOLDERS)
  .map(([k, v]) => `                         {${k}}  ${v}`)
  .join("\n")}
                       ({port}, {backends} and {profile_dir} are required)
  --preset NAME        ${PRESET_NAMES.join(" | ")} (glm4.6)
  --rounds K           rounds; round r runs the three systems rotated by r (3)
  --dry-run            print the schedule and every command, run nothing
  --render ROWS.json   run nothing: print the table and verdict of an earlier session's rows
                       (the profile statistics recomputed from its CSVs when they still exist)
                       and write --report / --json from them
  --json PATH          the rows (JSON, rewritten atomically after each run; default <session>/rows.json)
  --report PATH        also write a markdown report there (e.g. docs/results/vs-original.md)
  --logs-dir DIR       logs root (./logs/vs-original); every run in <DIR>/<session>/<round>-<system>/

 passed to reproduce --simulate: --window A:B (10:70) --duration MIN --time-scale X -w|--workers N
   -o|--output DIR --vllm-port P --proxy-port P --host H --grace S

example (the Python original checked out in /tmp/ta-original, Debian's python3 with fastapi,
uvicorn and httpx):
  pnpm bench:vs-original --original-cmd "cd /tmp/ta-original && /usr/bin/python3 -m ThunderAgent \\
    --host {host} --port {port} --backends {backends} --router tr --metrics --profile \\
    --profile-dir {profile_dir} --scheduler-interval {scheduler_interval} \\
    --metrics-interval {metrics_interval} --log-level warning"`;

/** Parses argv (without node and the script); throws UsageError naming the flag. */
export function parseVsOptions(argv: readonly string[]): VsOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: false, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return "help";
  const preset = v.preset ?? "glm4.6";
  if (!isPresetName(preset)) {
    throw new UsageError(`--preset: expected one of ${PRESET_NAMES.join(", ")}, got ${preset}`);
  }
  const roundsRaw = v.rounds ?? "3";
  const rounds = Number(roundsRaw);
  if (!/^\d+$/.test(roundsRaw) || !Number.isInteger(rounds) || rounds < 1) {
    throw new UsageError(`--rounds: expected a whole number ≥ 1, got ${roundsRaw}`);
  }
  if (v.render !== undefined) {
    return {
      originalCmd: v["original-cmd"] ?? "",
      render: v.render,
      preset,
      rounds,
      dryRun: false,
      json: v.json ?? null,
      report: v.report ?? null,
      logsDir: v["logs-dir"] ?? "./logs/vs-original",
      reproduce: parseReproduceOptions([preset, "--simulate"]) as ReproduceOptions,
      argv: [...argv],
    };
  }
  if (v["original-cmd"] === undefined) {
    throw new UsageError("--original-cmd is required (the Python original's command template)");
  }
  const problems = checkTemplate(v["original-cmd"]);
  if (problems.length > 0) throw new UsageError(problems.join("; "));

  const rest: string[] = [preset, "--simulate"];
  for (const flag of PASS_THROUGH) {
    const val = v[flag];
    if (val !== undefined) rest.push(`--${flag}`, val);
  }
  let reproduce: ReproduceOptions | "help";
  try {
    reproduce = parseReproduceOptions(rest);
  } catch (err) {
    if (err instanceof ReproduceUsageError) throw new UsageError(err.message);
    throw err;
  }
  if (reproduce === "help") throw new UsageError("unexpected --help"); // not reachable
  return {
    originalCmd: v["original-cmd"],
    render: null,
    preset,
    rounds,
    dryRun: v["dry-run"] ?? false,
    json: v.json ?? null,
    report: v.report ?? null,
    logsDir: v["logs-dir"] ?? "./logs/vs-original",
    reproduce,
    argv: [...argv],
  };
}
