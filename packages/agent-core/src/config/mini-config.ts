/**
 * mini-swe-agent's YAML config format: `agent`, `environment` and `model` sections (plus any
 * other section, kept as is). Defaults are mini-swe-agent's own (`AgentConfig`,
 * `VllmModelConfig`); the seed's `swebench.yaml` is the default config (see default-config.ts).
 * @module
 */
import { formatIssues } from "@thunderagent/protocol";
import { z } from "zod";
import { EnvironmentClassName } from "../environment/registry.js";
import { ConfigError } from "../errors.js";
import { checkTemplates } from "./check-templates.js";
import { V1_ACTION_REGEX, normalizeDialect } from "./config-dialect.js";
import { type ConfigWarning, configWarnings, formatWarnings } from "./config-keys.js";
import type { RawConfig } from "./raw-config.js";

export { type RawConfig, isRecord } from "./raw-config.js";

export const DEFAULT_TIMEOUT_TEMPLATE =
  "The last command <command>{{action['action']}}</command> timed out and has been killed.\n" +
  "The output of the command was:\n <output>\n{{output}}\n</output>\n" +
  "Please try another command and make sure to avoid those requiring interactive input.";

export const AgentSection = z.looseObject({
  system_template: z.string().default("You are a helpful assistant that can do anything."),
  instance_template: z
    .string()
    .default(
      "Your task: {{task}}. Please reply with a single shell command in triple backticks. " +
        "To finish, the first line of the output of the shell command must be " +
        "'COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT'.",
    ),
  /** v1 only; null in v2, where a timeout is an observation with `exception_info`. */
  timeout_template: z.string().nullable().default(DEFAULT_TIMEOUT_TEMPLATE),
  format_error_template: z
    .string()
    .default("Please always provide EXACTLY ONE action in triple backticks."),
  action_observation_template: z.string().default("Observation: {{output}}"),
  /** 0 = no limit. */
  step_limit: z.number().int().nonnegative().default(0),
  /** 0 = no limit. */
  cost_limit: z.number().nonnegative().default(3),
  /** 0 = no limit. */
  wall_time_limit_seconds: z.number().nonnegative().default(0),
  /** Format errors in a row that end the run (`RepeatedFormatError`); 0 = no limit (v1). */
  max_consecutive_format_errors: z.number().int().nonnegative().default(0),
  /** Set when the config loads (config-dialect.ts): the layout and how actions are read. */
  dialect: z.enum(["v1", "v2"]).default("v1"),
  action_mode: z.enum(["text", "tool_calls"]).default("text"),
  action_regex: z.string().min(1).default(V1_ACTION_REGEX),
});
export type AgentSection = z.infer<typeof AgentSection>;

/** The Docker host URL forms dockerode speaks: unix sockets, TCP (plain or TLS) and SSH. */
export const DOCKER_HOST_URL = /^(unix:\/\/\/.+|(tcp|http|https):\/\/[^/:]+(:\d+)?\/?|ssh:\/\/.+)$/;

/** The URL forms {@link DOCKER_HOST_URL} takes, as error messages name them. */
export const DOCKER_HOST_FORMS =
  "unix:///path, tcp://host:port, https://host:port or ssh://user@host";
const HOST_URL_HINT = `must be ${DOCKER_HOST_FORMS}`;
const SLOTS_HINT = "the slot count must be a whole number >= 1 (URL=SLOTS)";

/**
 * `URL[=SLOTS][,KEY=VALUE…]` to `{url, slots, KEY: VALUE}` (the count left as text when it is not
 * a number; the keys checked by the schema).
 */
function splitHostSpec(spec: unknown): unknown {
  if (typeof spec !== "string") return spec;
  const [head, ...options] = spec.split(",");
  const m = /^(.*?)=([^=/]*)$/.exec(head!);
  const entry: Record<string, unknown> = m
    ? { url: m[1], slots: /^\d+$/.test(m[2]!) ? Number(m[2]) : m[2] }
    : { url: head };
  for (const option of options) {
    const eq = option.indexOf("=");
    entry[eq < 0 ? option : option.slice(0, eq)] = eq < 0 ? "" : option.slice(eq + 1);
  }
  return entry;
}

const HOST_KEYS = "url, slots, identity, known_hosts, tls";
const SSH_ONLY = "is for ssh:// hosts";
const TLS_ONLY = "is for https:// and tcp:// hosts";

/**
 * One Docker host: `URL` or `URL=SLOTS` (`tcp://10.0.0.7:2375=32`), or `{url, slots}`; to
 * `{url, slots?}`. Without slots the host takes as many containers as the workers give it. How
 * to reach it, per host (in text after commas, `ssh://u@h=8,identity=~/.ssh/k`): `identity` (a
 * private key file) and `known_hosts` (a file, or `off` to accept any host key) for ssh://;
 * `tls` (a directory with ca.pem, cert.pem, key.pem) for https:// and tcp://.
 */
export const DockerHostSpec = z.preprocess(
  splitHostSpec,
  z
    .strictObject(
      {
        url: z.string().regex(DOCKER_HOST_URL, HOST_URL_HINT),
        slots: z.number({ error: SLOTS_HINT }).int(SLOTS_HINT).min(1, SLOTS_HINT).optional(),
        identity: z.string().min(1, "must name a private key file").optional(),
        known_hosts: z.string().min(1, "must name a known_hosts file, or be off").optional(),
        tls: z.string().min(1, "must name a directory with ca.pem, cert.pem, key.pem").optional(),
      },
      {
        error: (issue) =>
          issue.code === "unrecognized_keys"
            ? `unknown key ${issue.keys.join(", ")} (a host takes ${HOST_KEYS})`
            : "must be a URL, URL=SLOTS or {url, slots}",
      },
    )
    .superRefine((host, ctx) => {
      const ssh = host.url.startsWith("ssh://");
      const tlsOk = /^(https|tcp):\/\//.test(host.url);
      for (const key of ["identity", "known_hosts"] as const) {
        if (host[key] !== undefined && !ssh)
          ctx.addIssue({ code: "custom", path: [key], message: SSH_ONLY });
      }
      if (host.tls !== undefined && !tlsOk)
        ctx.addIssue({ code: "custom", path: ["tls"], message: TLS_ONLY });
    }),
) as z.ZodType<DockerHostEntry, unknown>;
export interface DockerHostEntry {
  url: string;
  /** At most this many of the run's containers on the host at once; absent = no limit. */
  slots?: number;
  /** ssh://: the private key to log in with (default: the ssh agent, then ~/.ssh/id_*). */
  identity?: string;
  /** ssh://: the known_hosts file (default ~/.ssh/known_hosts), or `off`: any host key. */
  known_hosts?: string;
  /** https://, tcp://: Docker's TLS directory (default for https://: DOCKER_CERT_PATH). */
  tls?: string;
}

/**
 * Docker with `docker_hosts`: the runner pings every host (`GET /_ping`) each `interval_s`
 * seconds (0 = no pings), an answer later than `timeout_s` (at most `interval_s`) counting as
 * none; `fail_after` unanswered pings in a row drain the host, and a drained host comes back
 * after `recover_after` answered pings in a row (0 = drained hosts stay out for the run).
 */
export const DockerHealthSection = z.strictObject({
  interval_s: z.number().nonnegative().default(10),
  timeout_s: z.number().positive().default(3),
  fail_after: z.number().int().min(1).default(2),
  recover_after: z.number().int().nonnegative().default(3),
});
export type DockerHealthSection = z.infer<typeof DockerHealthSection>;

/** The niceness the local environment's commands run at unless `environment.nice` says. */
export const DEFAULT_COMMAND_NICE = 10;

const envValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const EnvironmentSection = z.looseObject({
  environment_class: EnvironmentClassName.default("docker"),
  /** Working directory of every command (`/testbed` in containers). */
  cwd: z.string().default(""),
  /** Per-command timeout in seconds. */
  timeout: z.number().positive().default(30),
  env: z.record(z.string(), envValue).default({}),
  /**
   * Local: the CPU niceness the commands run at (0–19, as nice(1)); by default 10, so that on a
   * machine the sandboxes share with the runner (and the router, the engine) a busy command yields
   * the CPU to them. 0 runs commands at the runner's own priority. Docker: not used (a
   * container's CPU share is the engine's setting, `--cpu-shares` on its host).
   */
  nice: z.number().int().min(0).max(19).default(DEFAULT_COMMAND_NICE),
  /** Docker: the image; by default the instance's SWE-bench image. */
  image: z.string().optional(),
  /** Docker: seconds allowed for pulling a missing image. */
  pull_timeout: z.number().positive().default(600),
  /**
   * Docker: the Docker-API hosts the containers are spread over (unix:///…, tcp://…, ssh://…),
   * each `URL`, `URL=SLOTS` or `{url, slots}`; empty = the one engine DOCKER_HOST names.
   */
  docker_hosts: z.array(DockerHostSpec).default([]),
  /** Docker with `docker_hosts`: the runner's health pings (DockerHealthSection). */
  docker_health: DockerHealthSection.default(DockerHealthSection.parse({})),
  /** Docker: how long the container's keep-alive process sleeps (e.g. "24h"). */
  container_timeout: z.string().default("2h"),
});
export type EnvironmentSection = z.infer<typeof EnvironmentSection>;

export const RetrySection = z.strictObject({
  max_attempts: z.number().int().positive().default(10),
  min_delay_s: z.number().nonnegative().default(4),
  max_delay_s: z.number().nonnegative().default(60),
  multiplier: z.number().nonnegative().default(1),
});
export type RetrySection = z.infer<typeof RetrySection>;

export const ModelSection = z.looseObject({
  model_class: z.string().default("vllm"),
  model_name: z.string().min(1).default("meta-llama/Llama-3.1-70B-Instruct"),
  base_url: z.string().url().default("http://localhost:8000/v1"),
  api_key: z.string().default("EMPTY"),
  model_kwargs: z
    .looseObject({
      temperature: z.number().optional(),
      max_tokens: z.number().int().positive().optional(),
      max_completion_tokens: z.number().int().positive().optional(),
      api_base: z.string().optional(),
      base_url: z.string().optional(),
    })
    .default({}),
  stream: z.boolean().default(true),
  max_completion_tokens: z.number().int().positive().default(2048),
  /** Client-side request timeout in seconds; null/absent = none. */
  timeout: z.number().positive().nullable().default(null),
  retry: RetrySection.default({ max_attempts: 10, min_delay_s: 4, max_delay_s: 60, multiplier: 1 }),
});
export type ModelSection = z.infer<typeof ModelSection>;

export const MiniConfig = z.looseObject({
  agent: AgentSection.default(AgentSection.parse({})),
  environment: EnvironmentSection.default(EnvironmentSection.parse({})),
  model: ModelSection.default(ModelSection.parse({})),
});
export type MiniConfig = z.infer<typeof MiniConfig>;

export interface ParseConfigOptions {
  /** Unknown or misplaced keys are an error instead of a warning. */
  strict?: boolean;
  /** Receives the warnings (unknown, misplaced or ignored keys; inferred text mode). */
  onWarning?: (warning: ConfigWarning) => void;
  /** Template variables the caller passes to the agent on top of the built-in ones. */
  extraVars?: readonly string[];
}

/**
 * Validates a raw config ({@link ConfigError} when it is invalid): the layout (v1 or v2, see
 * config-dialect.ts) is normalized into the `agent` section, the values are checked with zod, and
 * every template is checked for variables the agent does not provide.
 */
export function parseMiniConfig(raw: RawConfig, options: ParseConfigOptions = {}): MiniConfig {
  const warnings = configWarnings(raw);
  if (options.strict && warnings.length > 0) {
    throw new ConfigError(`unknown or misplaced config keys: ${formatWarnings(warnings)}`);
  }
  const normalized = normalizeDialect(raw, warnings);
  for (const w of warnings) options.onWarning?.(w);
  const parsed = MiniConfig.safeParse(normalized);
  // One line naming each bad key (`environment.docker_hosts[0].slots: …`), not zod's JSON.
  if (!parsed.success) {
    throw new ConfigError(formatIssues(parsed.error.issues), { cause: parsed.error });
  }
  checkTemplates(parsed.data, options.extraVars);
  return parsed.data;
}
