/**
 * The proxy's configuration: ThunderAgent's flags, ours, and `THUNDERAGENT_*` environment variables
 * (a flag wins over its variable), parsed once with zod and deep-frozen. Nothing else in the proxy
 * reads `process.argv` or `process.env`.
 * @module
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { formatIssues, RouterMode } from "@thunderagent/protocol";
import {
  BACKEND_TYPE_NAMES,
  DEFAULT_ROUTER_OPTIONS,
  MARK_REASONING_MODES,
  ORIGINAL_THUNDERAGENT_OPTIONS,
  SHARED_CREDIT_MODES,
} from "@thunderagent/router-core";

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

const url = z
  .string()
  .trim()
  .refine((s) => /^https?:\/\/[^/\s]+/.test(s), { message: "must be an http(s):// URL" })
  .transform((s) => s.replace(/\/+$/, ""));

const seconds = (what: string) =>
  z.coerce.number({ error: `${what} must be a number of seconds` }).positive(`${what} must be > 0`);

const bool = z.union([
  z.boolean(),
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((s) => ["1", "0", "true", "false", "yes", "no", "on", "off", ""].includes(s), {
      message: "must be true or false",
    })
    .transform((s) => ["1", "true", "yes", "on"].includes(s)),
]);

/** What the proxy runs with, after parsing; every field has its default here. */
export const ProxyConfig = z.strictObject({
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
    .pipe(z.array(url).min(1, "at least one backend URL is needed"))
    .refine((list) => new Set(list).size === list.length, { message: "backends must be distinct" })
    .default(["http://localhost:8000"]),
  backendType: z.enum(BACKEND_TYPE_NAMES).default("vllm"),
  router: RouterMode.default("tr"),
  profile: bool.default(false),
  profileDir: z.string().min(1).default("/tmp/thunderagent_profiles"),
  metrics: bool.default(false),
  metricsInterval: seconds("--metrics-interval").default(5),
  schedulerInterval: seconds("--scheduler-interval").default(5),
  actingTokenWeight: z.coerce.number().nonnegative().default(1),
  useActingTokenDecay: bool.default(false),
  actingDecayBase: z.coerce.number().gt(1, "must be > 1").default(2),
  // ours
  // A policy preset (router-core's defaults, or the Python original's policy); the three flags
  // after it override single settings of the preset (null = the preset's value).
  policy: z.enum(POLICY_PRESETS).default("default"),
  bufferPerProgram: z.coerce.number().int().nonnegative().nullable().default(null),
  sharedCredit: z.enum(SHARED_CREDIT_MODES).nullable().default(null),
  markReasoning: z.enum(MARK_REASONING_MODES).nullable().default(null),
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
  upstreamTimeout: seconds("--upstream-timeout").nullable().default(null),
  connectTimeout: seconds("--connect-timeout").default(10),
  forceResumeTimeout: seconds("--force-resume-timeout").default(1800),
  abandonTimeout: seconds("--abandon-timeout").default(1800),
  healthInterval: seconds("--health-interval").default(5),
});
export type ProxyConfig = Readonly<z.output<typeof ProxyConfig>>;

/** Flag name → config key, type and help. The same table drives parseArgs, env and `--help`. */
export const FLAGS = {
  host: { key: "host", type: "string", help: "address to listen on (0.0.0.0)" },
  port: { key: "port", type: "string", help: "port to listen on (8300)" },
  "log-level": { key: "logLevel", type: "string", help: "trace|debug|info|warn|error (info)" },
  backends: { key: "backends", type: "string", help: "comma-separated backend URLs" },
  "backend-type": {
    key: "backendType",
    type: "string",
    help: `${BACKEND_TYPE_NAMES.join("|")} (vllm)`,
  },
  router: { key: "router", type: "string", help: `${RouterMode.options.join("|")} (tr)` },
  profile: { key: "profile", type: "boolean", help: "profile steps, append step_profiles.csv" },
  "profile-dir": { key: "profileDir", type: "string", help: "(/tmp/thunderagent_profiles)" },
  metrics: { key: "metrics", type: "boolean", help: "poll backend /metrics periodically" },
  "metrics-interval": { key: "metricsInterval", type: "string", help: "seconds (5)" },
  "scheduler-interval": { key: "schedulerInterval", type: "string", help: "seconds (5)" },
  "acting-token-weight": { key: "actingTokenWeight", type: "string", help: "(1.0)" },
  "use-acting-token-decay": { key: "useActingTokenDecay", type: "boolean", help: "w·x^(−t)" },
  "acting-decay-base": { key: "actingDecayBase", type: "string", help: "x of the decay (2)" },
  policy: {
    key: "policy",
    type: "string",
    help: "default|original: router-core's defaults or the Python original's policy (default)",
  },
  "buffer-per-program": {
    key: "bufferPerProgram",
    type: "string",
    help: `tokens (policy's: ${DEFAULT_ROUTER_OPTIONS.bufferPerProgram}; original: ${ORIGINAL_THUNDERAGENT_OPTIONS.bufferPerProgram})`,
  },
  "shared-credit": {
    key: "sharedCredit",
    type: "string",
    help: `${SHARED_CREDIT_MODES.join("|")} (policy's: ${DEFAULT_ROUTER_OPTIONS.sharedCredit}; original: ${ORIGINAL_THUNDERAGENT_OPTIONS.sharedCredit})`,
  },
  "mark-reasoning": {
    key: "markReasoning",
    type: "string",
    help: `${MARK_REASONING_MODES.join("|")} (policy's: ${DEFAULT_ROUTER_OPTIONS.markReasoning}; original: ${ORIGINAL_THUNDERAGENT_OPTIONS.markReasoning})`,
  },
  "body-limit": { key: "bodyLimit", type: "string", help: "max request body (64MiB)" },
  "docker-gc": { key: "dockerGc", type: "boolean", help: "remove docker_ids on release" },
  "api-key": { key: "apiKey", type: "string", help: "require Bearer <key> (not on /health)" },
  "backend-api-key": { key: "backendApiKey", type: "string", help: "Bearer key sent upstream" },
  "upstream-timeout": { key: "upstreamTimeout", type: "string", help: "total s (none)" },
  "connect-timeout": { key: "connectTimeout", type: "string", help: "seconds (10)" },
  "force-resume-timeout": { key: "forceResumeTimeout", type: "string", help: "seconds (1800)" },
  "abandon-timeout": { key: "abandonTimeout", type: "string", help: "seconds (1800)" },
  "health-interval": { key: "healthInterval", type: "string", help: "seconds (5)" },
} as const satisfies Record<
  string,
  { key: keyof z.input<typeof ProxyConfig>; type: "string" | "boolean"; help: string }
>;

/** Thrown for a bad command line or environment; `main` prints it and exits 2. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** `--backend-api-key` → `THUNDERAGENT_BACKEND_API_KEY`. */
export function envName(flag: string): string {
  return `THUNDERAGENT_${flag.toUpperCase().replaceAll("-", "_")}`;
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
  const res = ProxyConfig.safeParse(input);
  if (!res.success) throw new ConfigError(describeIssues(res.error.issues));
  return deepFreeze(res.data);
}

function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue>): string {
  const flagOf = new Map<string, string>(Object.entries(FLAGS).map(([f, d]) => [d.key, f]));
  return issues
    .map((i) => {
      const key = String(i.path[0] ?? "");
      const flag = flagOf.get(key);
      return flag ? `--${flag}: ${i.message}` : formatIssues([i]);
    })
    .join("; ");
}

export interface LoadConfigResult {
  config: ProxyConfig;
  help: boolean;
}

/** Parses argv (without node and the script) and env into a frozen config. */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): LoadConfigResult {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [flag, def] of Object.entries(FLAGS)) options[flag] = { type: def.type };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const input: Record<string, unknown> = {};
  for (const [flag, def] of Object.entries(FLAGS)) {
    const fromFlag = values[flag];
    const fromEnv = env[envName(flag)];
    if (fromFlag !== undefined) input[def.key] = fromFlag;
    else if (fromEnv !== undefined && fromEnv !== "") input[def.key] = fromEnv;
  }
  return { config: makeConfig(input as Partial<z.input<typeof ProxyConfig>>), help: !!values.help };
}

/** The `--help` text. */
export function usage(): string {
  const lines = ["usage: thunderagent [options]", ""];
  for (const [flag, def] of Object.entries(FLAGS)) {
    const left = `  --${flag}${def.type === "string" ? " <v>" : ""}`;
    lines.push(`${left.padEnd(30)}${def.help}  [env ${envName(flag)}]`);
  }
  return lines.join("\n") + "\n";
}
