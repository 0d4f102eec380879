/**
 * The `engine-sim` command line (vLLM's flag names), on cli-kit: every flag also reads
 * `ENGINE_SIM_<FLAG>` from the environment (the flag wins), zod validates the values, and bad input
 * raises a {@link UsageError} with one plain line (the CLI exits 2, no stack trace).
 * @module
 */
import {
  UsageError,
  defineCli,
  flagBool,
  helpText,
  isCliText,
  parseAndValidate,
  type CliText,
  type OptionSpec,
  type ParseContext,
} from "@thunderagent/cli-kit";
import { z } from "zod";
import { PROFILE_NAMES } from "../profiles/names.js";
import type { EngineServerOptions } from "../server/options.js";

export { UsageError };

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** The flags; each value's key is the flag in camelCase. */
export const ENGINE_SIM_FLAGS = {
  host: { value: "HOST", help: "listen address (default 0.0.0.0)" },
  port: {
    value: "PORT",
    help: "listen port (default 8000; 0 = any free port)",
    expect: "an integer 0–65535",
  },
  model: { value: "NAME", help: "model path / repo id (default per profile)" },
  "served-model-name": {
    value: "NAME",
    variadic: true,
    help: "names requests may use (several, or repeat the flag; the first is metrics' model_name)",
  },
  profile: {
    value: "NAME",
    help: `calibrated engine profile: ${PROFILE_NAMES.join("|")} (default glm4.6)`,
  },
  "kv-tokens": {
    value: "N",
    help: "KV capacity in tokens (default: the profile's, 1.13M / 1.75M)",
    expect: "a whole number ≥ 32",
  },
  "num-gpu-blocks": {
    value: "N",
    help: "KV capacity in blocks (instead of --kv-tokens)",
    expect: "a whole number ≥ 2",
  },
  "block-size": {
    value: "N",
    help: "tokens per KV block (default 16)",
    expect: "a whole number ≥ 1",
  },
  "max-model-len": {
    value: "N",
    help: "context length (default 202752 / 262144)",
    expect: "a whole number ≥ 2",
  },
  "max-num-seqs": {
    value: "N",
    help: "running requests cap (default 1024)",
    expect: "a whole number ≥ 1",
  },
  "max-num-batched-tokens": {
    value: "N",
    help: "tokens per engine step (default 8192)",
    expect: "a whole number ≥ 1",
  },
  "time-scale": {
    value: "S",
    help: "real seconds per simulated second (default 1; 0.01 = 100x faster)",
    expect: "a number > 0",
  },
  instant: { help: "no simulated time: engine steps back to back" },
  "stream-interval": {
    value: "N",
    help: "tokens per streamed content chunk, as vLLM's flag (default 1)",
    expect: "≥ 1 (a whole number)",
  },
  "compute-share": {
    value: "F",
    help: "fraction of the profile's GPU compute, 0 < F <= 1 (default 1)",
    expect: "in (0, 1]",
  },
  "enable-prompt-tokens-details": { help: "usage.prompt_tokens_details.cached_tokens" },
  seed: { value: "N", help: "scripted model seed (default 0)", expect: "a whole number ≥ 0" },
  continuum: { help: "Continuum's pin-on-finish (reads program_id, is_last_step)" },
  "log-level": { value: "LEVEL", help: `${LOG_LEVELS.join("|")} (default info)` },
} as const satisfies Record<string, OptionSpec>;

export const ENGINE_SIM_CLI = defineCli(import.meta.url, {
  name: "engine-sim",
  summary:
    "A simulated vLLM (OpenAI-compatible server, vLLM /metrics) with a scripted coding-agent model.",
  envPrefix: "ENGINE_SIM",
  options: ENGINE_SIM_FLAGS,
  epilog:
    "Every flag can also be set as ENGINE_SIM_<FLAG> in the environment (--time-scale:\n" +
    "ENGINE_SIM_TIME_SCALE; flags without a value take 1/0, true/false; several served names are\n" +
    "comma-separated); the flag wins.",
});

/** The `--help` text. */
export function usage(): string {
  return helpText(ENGINE_SIM_CLI);
}

const int = (min: number) => z.coerce.number().int().min(min);

const Flags = z.object({
  host: z.string().min(1).default("0.0.0.0"),
  port: int(0).max(65535).default(8000),
  model: z.string().min(1).optional(),
  servedModelName: z.array(z.string().min(1)).optional(),
  profile: z.enum(PROFILE_NAMES).default("glm4.6"),
  kvTokens: int(32).optional(),
  numGpuBlocks: int(2).optional(),
  blockSize: int(1).optional(),
  maxModelLen: int(2).optional(),
  maxNumSeqs: int(1).optional(),
  maxNumBatchedTokens: int(1).optional(),
  timeScale: z.coerce.number().positive().finite().optional(),
  instant: flagBool.default(false),
  streamInterval: int(1).optional(),
  computeShare: z.coerce.number().positive().max(1).optional(),
  enablePromptTokensDetails: flagBool.default(false),
  seed: int(0).default(0),
  continuum: flagBool.default(false),
  logLevel: z.enum(LOG_LEVELS).default("info"),
});

export interface CliConfig {
  host: string;
  port: number;
  logLevel: string;
  server: EngineServerOptions;
}

export type CommandLine = CliText | { readonly kind: "run"; readonly cli: CliConfig };

/** The optional server options given on the command line (absent ones stay the profile's). */
const SERVER_KEYS = [
  "model",
  "kvTokens",
  "numGpuBlocks",
  "blockSize",
  "maxModelLen",
  "maxNumSeqs",
  "maxNumBatchedTokens",
  "timeScale",
  "streamInterval",
  "computeShare",
] as const;

/** argv (without node and the script) and env → `--help`/`--version` text or the CLI config. */
export function readCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  ctx: Omit<ParseContext, "env"> = {},
): CommandLine {
  const f = parseAndValidate(ENGINE_SIM_CLI, Flags, argv, { ...ctx, env });
  if (isCliText(f)) return f;
  if (f.kvTokens !== undefined && f.numGpuBlocks !== undefined) {
    throw new UsageError("give --kv-tokens or --num-gpu-blocks, not both");
  }
  const server: EngineServerOptions = {
    profile: f.profile,
    instant: f.instant,
    enablePromptTokensDetails: f.enablePromptTokensDetails,
    seed: f.seed,
    continuum: f.continuum,
  };
  if (f.servedModelName !== undefined) server.servedModelNames = f.servedModelName;
  for (const key of SERVER_KEYS) {
    if (f[key] !== undefined) Object.assign(server, { [key]: f[key] });
  }
  return { kind: "run", cli: { host: f.host, port: f.port, logLevel: f.logLevel, server } };
}

/** The CLI config from argv alone (no environment): what other programs check their flags with. */
export function parseCli(argv: readonly string[], env: Record<string, string> = {}): CliConfig {
  const cl = readCommandLine(argv, env);
  if (cl.kind !== "run") throw new UsageError(`--${cl.kind} asks for text, not a configuration`);
  return cl.cli;
}
