/**
 * The proxy's configuration: ThunderAgent's flags, ours, and `THUNDERAGENT_*` environment variables
 * (a flag wins over its variable; the table is flags.ts), parsed once with zod and deep-frozen.
 * Nothing else in the proxy reads `process.argv` or `process.env`.
 * @module
 */
import { z } from "zod";
import { RouterMode } from "@thunderagent/protocol";
import {
  UsageError,
  describeIssues,
  flagBool,
  parseCommandLine,
  type ParseContext,
} from "@thunderagent/cli-kit";
import {
  BACKEND_TYPE_NAMES,
  DEFAULT_ROUTER_OPTIONS,
  MARK_REASONING_MODES,
  ORIGINAL_THUNDERAGENT_OPTIONS,
  RESTORE_NEEDS,
  RESUME_PLACEMENTS,
  SHARED_CREDIT_MODES,
  TOKEN_ESTIMATES,
  type RouterOptions,
} from "@thunderagent/router-core";
import { PROXY_CLI, RESTORE_ORDERS } from "./flags.js";
import { reliabilityConfig } from "./reliability/options.js";

export { FLAGS, envName, usage } from "./flags.js";

/** `--policy`: router-core's defaults, or the Python original's scheduling policy. */
export const POLICY_PRESETS = ["default", "original"] as const;
export const POLICY_OPTIONS = {
  default: DEFAULT_ROUTER_OPTIONS,
  original: ORIGINAL_THUNDERAGENT_OPTIONS,
} as const;

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** Sizes as people write them: `67108864`, `64mb`, `64MiB`, `512k`. */
export function parseByteSize(raw: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(i?b)?\s*$/i.exec(raw);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? "").toLowerCase();
  const mult = unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : 1;
  return Math.floor(n * mult);
}

/**
 * A backend: the server's root, as `http(s)://host:port`. The OpenAI-style base URL with `/v1`
 * (what clients are configured with) is accepted and cut to the root: the routes add `/v1/...`,
 * and `/health`, `/metrics` and SGLang's `/get_server_info` are read at the root.
 */
const url = z
  .string()
  .trim()
  .refine((s) => /^https?:\/\/[^/\s]+/.test(s), { message: "must be http(s):// URLs" })
  .transform((s) => s.replace(/\/+$/, "").replace(/\/v1$/, ""))
  .refine((s) => /^https?:\/\/[^/\s]+$/.test(s), {
    message: "must be server roots (http://host:port, optionally ending in /v1)",
  });

const seconds = z.coerce.number().positive();

const bool = flagBool;

/**
 * A policy setting that router-core turns off with null: `off` (or `none`) → "off", else a
 * number that passes `ok`. In the config, null is "not given" (the preset's value).
 */
function offOr(ok: (n: number) => boolean, what: string) {
  return z
    .union([z.number(), z.string()])
    .transform((v, ctx) => {
      const text = typeof v === "string" ? v.trim().toLowerCase() : null;
      if (text === "off" || text === "none") return "off" as const;
      const n = text === null ? v : text === "" ? NaN : Number(text);
      if (typeof n === "number" && Number.isFinite(n) && ok(n)) return n;
      ctx.addIssue({ code: "custom", message: `must be ${what} or off` });
      return z.NEVER;
    })
    .nullable()
    .default(null);
}
const offSeconds = () => offOr((n) => n > 0, "a number of seconds > 0");
const offFraction = () => offOr((n) => n >= 0 && n <= 1, "a fraction 0–1");

/** Scheduling policy v2 (router-core's "Policy options"): null = the --policy preset's value. */
const policyV2 = {
  resumePlacement: z.enum(RESUME_PLACEMENTS).nullable().default(null),
  resumeMoveAfter: offSeconds(),
  resumeMoveHeadroom: offOr((n) => n >= 1, "a ratio ≥ 1"),
  restoreBoostAfter: offSeconds(),
  waitGuardAfter: offSeconds(),
  waitGuardQuantum: z.coerce.number().nonnegative().nullable().default(null),
  actingLease: offSeconds(),
  actingLeaseToolFactor: offOr((n) => n > 0, "a factor > 0"),
  kvUsageSmoothing: offSeconds(),
  kvHighWatermark: offFraction(),
  kvPauseTarget: offFraction(),
  kvLowWatermark: offFraction(),
  gateQueuedBackends: bool.nullable().default(null),
  tokenEstimate: z.enum(TOKEN_ESTIMATES).nullable().default(null),
  restoreNeed: z.enum(RESTORE_NEEDS).nullable().default(null),
  restoreOrder: z.enum(RESTORE_ORDERS).nullable().default(null),
  victimPenalty: z.coerce.number().nonnegative().nullable().default(null),
  victimMemory: seconds.nullable().default(null),
};

type Watermarks = Partial<Record<"kvHighWatermark" | "kvPauseTarget" | "kvLowWatermark", unknown>>;

/** The low watermark and the pause target cannot be above the high one (when all are given). */
function checkWatermarks(c: Watermarks, ctx: z.RefinementCtx): void {
  const high = c.kvHighWatermark;
  if (typeof high !== "number") return;
  for (const key of ["kvLowWatermark", "kvPauseTarget"] as const) {
    const v = c[key];
    if (typeof v === "number" && v > high) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `must be ≤ --kv-high-watermark (${high})`,
      });
    }
  }
}

/** What the proxy runs with, after parsing; every field has its default here. */
export const ProxyConfig = z
  .strictObject({
    host: z.string().min(1).default("0.0.0.0"),
    port: z.coerce.number().int().min(0).max(65535).default(8300),
    logLevel: z
      .string()
      .trim()
      .toLowerCase()
      .transform((s) => (s === "warning" ? "warn" : s === "critical" ? "fatal" : s))
      .pipe(z.enum(LOG_LEVELS))
      .default("info"),
    backends: z
      .union([z.string(), z.array(z.string())])
      .transform((v) =>
        (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter((s) => s.length > 0),
      )
      .pipe(z.array(url).min(1, "needs at least one URL"))
      .refine((list) => new Set(list).size === list.length, { message: "must be distinct URLs" })
      .default(["http://localhost:8000"]),
    backendType: z.enum(BACKEND_TYPE_NAMES).default("vllm"),
    router: RouterMode.default("tr"),
    profile: bool.default(false),
    profileDir: z.string().min(1).default("/tmp/thunderagent_profiles"),
    metrics: bool.default(false),
    metricsInterval: seconds.default(5),
    schedulerInterval: seconds.default(5),
    actingTokenWeight: z.coerce.number().nonnegative().default(1),
    useActingTokenDecay: bool.default(false),
    actingDecayBase: z.coerce.number().gt(1, "must be > 1").default(2),
    // ours
    // A policy preset (router-core's defaults, or the Python original's policy); the flags after
    // it override single settings of the preset (null = the preset's value; "off" = null in
    // router-core, the setting switched off).
    policy: z.enum(POLICY_PRESETS).default("default"),
    bufferPerProgram: z.coerce.number().int().nonnegative().nullable().default(null),
    sharedCredit: z.enum(SHARED_CREDIT_MODES).nullable().default(null),
    markReasoning: z.enum(MARK_REASONING_MODES).nullable().default(null),
    ...policyV2,
    bodyLimit: z
      .union([z.number(), z.string()])
      .transform((v, ctx) => {
        const n = typeof v === "number" ? v : parseByteSize(v);
        if (n === undefined || !Number.isFinite(n) || n <= 0) {
          ctx.addIssue({ code: "custom", message: "must be a size such as 67108864 or 64MiB" });
          return z.NEVER;
        }
        return n;
      })
      .default(64 * 1024 * 1024),
    dockerGc: bool.default(false),
    apiKey: z.string().min(1).nullable().default(null),
    backendApiKey: z.string().min(1).nullable().default(null),
    upstreamTimeout: seconds.nullable().default(null),
    connectTimeout: seconds.default(10),
    forceResumeTimeout: seconds.default(1800),
    abandonTimeout: seconds.default(1800),
    healthInterval: seconds.default(5),
    weightSyncTimeout: seconds.default(300),
    ...reliabilityConfig,
  })
  .superRefine(checkWatermarks);
export type ProxyConfig = Readonly<z.output<typeof ProxyConfig>>;

/** Thrown for a bad command line or environment; `main` prints it and exits 2. */
export class ConfigError extends UsageError {
  override readonly name: string = "ConfigError";
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Validates a partial config object (what tests pass); throws {@link ConfigError}. */
export function makeConfig(input: Partial<z.input<typeof ProxyConfig>> = {}): ProxyConfig {
  return checked(input, {});
}

function checked(input: Record<string, unknown>, sources: Record<string, string>): ProxyConfig {
  const res = ProxyConfig.safeParse(input);
  if (!res.success) {
    throw new ConfigError(describeIssues(PROXY_CLI, res.error.issues, { values: input, sources }));
  }
  return deepFreeze(res.data);
}

export type CommandLine =
  | { readonly kind: "help" | "version"; readonly text: string }
  | { readonly kind: "run"; readonly config: ProxyConfig };

/**
 * Parses argv (without node and the script) and env: `--help`/`--version` text, or the frozen
 * config. Throws {@link ConfigError} with one plain line.
 */
export function readCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  ctx: Omit<ParseContext, "env"> = {},
): CommandLine {
  let parsed;
  try {
    parsed = parseCommandLine(PROXY_CLI, argv, { ...ctx, env });
  } catch (err) {
    throw err instanceof UsageError ? new ConfigError(err.message) : err;
  }
  if (parsed.kind !== "run") return parsed;
  return { kind: "run", config: checked({ ...parsed.values }, { ...parsed.sources }) };
}

export interface LoadConfigResult {
  config: ProxyConfig;
}

/** The config from argv and env (what other programs' tests check their flags with). */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): LoadConfigResult {
  const cl = readCommandLine(argv, env);
  if (cl.kind !== "run") throw new ConfigError(`--${cl.kind} asks for text, not a configuration`);
  return { config: cl.config };
}

/**
 * The router options of the `--policy` preset that proxy arguments select, read by the proxy's own
 * parser (the last `--policy` wins, abbreviations as the proxy accepts them; no environment).
 * Throws {@link ConfigError} for arguments the proxy would refuse.
 */
export function policyPresetOf(argv: readonly string[]): RouterOptions {
  return POLICY_OPTIONS[loadConfig(argv, {}).config.policy];
}
