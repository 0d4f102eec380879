/**
 * The `engine-sim` command line: node:util parseArgs, then zod, into server options. Bad input
 * raises a {@link UsageError} with a clear message (the CLI exits 2, no stack trace).
 * @module
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { PROFILE_NAMES } from "../profiles/names.js";
import type { EngineServerOptions } from "../server/options.js";

export class UsageError extends Error {
  override name = "UsageError";
}

export const USAGE = `usage: pnpm engine-sim [flags]

A simulated vLLM (OpenAI-compatible server, vLLM /metrics) with a scripted coding-agent model.

  --host HOST                      listen address (default 0.0.0.0)
  --port PORT                      listen port (default 8000; 0 = any free port)
  --model NAME                     model path / repo id (default per profile)
  --served-model-name NAME [...]   names requests may use (repeatable; first = metrics model_name)
  --profile glm4.6|qwen3-235b      calibrated engine profile (default glm4.6)
  --kv-tokens N                    KV capacity in tokens (default: the profile's, 1.13M / 1.75M)
  --num-gpu-blocks N               KV capacity in blocks (instead of --kv-tokens)
  --block-size N                   tokens per KV block (default 16)
  --max-model-len N                context length (default 202752 / 262144)
  --max-num-seqs N                 running requests cap (default 1024)
  --max-num-batched-tokens N       tokens per engine step (default 8192)
  --time-scale S                   real seconds per simulated second (default 1; 0.01 = 100x faster)
  --instant                        no simulated time: engine steps back to back
  --stream-interval N              tokens per streamed content chunk, as vLLM's flag (default 1)
  --compute-share F                fraction of the profile's GPU compute, 0 < F <= 1 (default 1)
  --enable-prompt-tokens-details   usage.prompt_tokens_details.cached_tokens
  --seed N                         scripted model seed (default 0)
  --continuum                      Continuum's pin-on-finish (reads program_id, is_last_step)
  --log-level LEVEL                fatal|error|warn|info|debug|trace|silent (default info)
  -h, --help                       this help
`;

const int = (name: string, min: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min, `${name} must be ≥ ${min}`);

const Flags = z.object({
  host: z.string().min(1).default("0.0.0.0"),
  port: int("--port", 0)
    .refine((n) => n <= 65535, "--port must be ≤ 65535")
    .default(8000),
  model: z.string().min(1).optional(),
  "served-model-name": z.array(z.string().min(1)).optional(),
  profile: z
    .enum(PROFILE_NAMES, { error: `--profile must be one of ${PROFILE_NAMES.join(", ")}` })
    .default("glm4.6"),
  "kv-tokens": int("--kv-tokens", 32).optional(),
  "num-gpu-blocks": int("--num-gpu-blocks", 2).optional(),
  "block-size": int("--block-size", 1).optional(),
  "max-model-len": int("--max-model-len", 2).optional(),
  "max-num-seqs": int("--max-num-seqs", 1).optional(),
  "max-num-batched-tokens": int("--max-num-batched-tokens", 1).optional(),
  "time-scale": z
    .string()
    .transform(Number)
    .refine((n) => Number.isFinite(n) && n > 0, "--time-scale must be a number > 0")
    .optional(),
  instant: z.boolean().default(false),
  "stream-interval": int("--stream-interval", 1).optional(),
  "compute-share": z
    .string()
    .transform(Number)
    .refine((n) => Number.isFinite(n) && n > 0 && n <= 1, "--compute-share must be in (0, 1]")
    .optional(),
  "enable-prompt-tokens-details": z.boolean().default(false),
  seed: int("--seed", 0).default(0),
  continuum: z.boolean().default(false),
  "log-level": z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "--log-level must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
  help: z.boolean().default(false),
});

export interface CliConfig {
  help: boolean;
  host: string;
  port: number;
  logLevel: string;
  server: EngineServerOptions;
}

/** vLLM takes `--served-model-name a b` (nargs="+"): repeat the flag for each name. */
function expandServedNames(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    out.push(a);
    if (a !== "--served-model-name") continue;
    if (i + 1 < argv.length) out.push(argv[++i]!);
    while (i + 1 < argv.length && !argv[i + 1]!.startsWith("-")) out.push(a, argv[++i]!);
  }
  return out;
}

export function parseCli(argv: readonly string[]): CliConfig {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: expandServedNames(argv),
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: "string" },
        port: { type: "string" },
        model: { type: "string" },
        "served-model-name": { type: "string", multiple: true },
        profile: { type: "string" },
        "kv-tokens": { type: "string" },
        "num-gpu-blocks": { type: "string" },
        "block-size": { type: "string" },
        "max-model-len": { type: "string" },
        "max-num-seqs": { type: "string" },
        "max-num-batched-tokens": { type: "string" },
        "time-scale": { type: "string" },
        instant: { type: "boolean" },
        "stream-interval": { type: "string" },
        "compute-share": { type: "string" },
        "enable-prompt-tokens-details": { type: "boolean" },
        seed: { type: "string" },
        continuum: { type: "boolean" },
        "log-level": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const parsed = Flags.safeParse(values);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
  }
  const f = parsed.data;
  if (f["kv-tokens"] !== undefined && f["num-gpu-blocks"] !== undefined) {
    throw new UsageError("give --kv-tokens or --num-gpu-blocks, not both");
  }
  const server: EngineServerOptions = {
    profile: f.profile,
    instant: f.instant,
    enablePromptTokensDetails: f["enable-prompt-tokens-details"],
    seed: f.seed,
    continuum: f.continuum,
  };
  if (f.model !== undefined) server.model = f.model;
  if (f["served-model-name"] !== undefined) server.servedModelNames = f["served-model-name"];
  if (f["kv-tokens"] !== undefined) server.kvTokens = f["kv-tokens"];
  if (f["num-gpu-blocks"] !== undefined) server.numGpuBlocks = f["num-gpu-blocks"];
  if (f["block-size"] !== undefined) server.blockSize = f["block-size"];
  if (f["max-model-len"] !== undefined) server.maxModelLen = f["max-model-len"];
  if (f["max-num-seqs"] !== undefined) server.maxNumSeqs = f["max-num-seqs"];
  if (f["max-num-batched-tokens"] !== undefined) {
    server.maxNumBatchedTokens = f["max-num-batched-tokens"];
  }
  if (f["time-scale"] !== undefined) server.timeScale = f["time-scale"];
  if (f["stream-interval"] !== undefined) server.streamInterval = f["stream-interval"];
  if (f["compute-share"] !== undefined) server.computeShare = f["compute-share"];
  return { help: f.help, host: f.host, port: f.port, logLevel: f["log-level"], server };
}
