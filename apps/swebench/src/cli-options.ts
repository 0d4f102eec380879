/**
 * The command line (`pnpm swebench …`), mini-extra swebench's flags, on cli-kit (commander + zod):
 * bad input is a {@link UsageError} (exit 2) whose one line names the flag; relative paths (`-o`,
 * `-c FILE`, `--subset FILE`) are taken from the caller's directory (INIT_CWD under pnpm).
 * @module
 */
import { existsSync } from "node:fs";
import {
  DOCKER_HOST_FORMS,
  DockerHostSpec,
  ENVIRONMENT_CLASS_NAMES,
  SHIPPED_CONFIGS,
  isOverrideSpec,
} from "@thunderagent/agent-core";
import {
  UsageError as CliUsageError,
  defineCli,
  helpText,
  isCliText,
  parseAndValidate,
  resolveFromCaller,
  type CliText,
  type Env,
  type OptionSpec,
} from "@thunderagent/cli-kit";
import { z } from "zod";
import { DATASET_MAPPING } from "./dataset/load-instances.js";
import { UsageError } from "./errors.js";

export { UsageError };

const DATASET_FILE = /\.(json|jsonl|ndjson|parquet)$/i;

export const SWEBENCH_FLAGS = {
  subset: {
    value: "NAME",
    help: "lite | verified | full | sample | <HF dataset name> | <file.json|.jsonl|.parquet> (default: lite)",
  },
  split: { value: "SPLIT", help: "dataset split (default: dev)" },
  slice: { value: "START:STOP", help: "Python-style slice of the instances, e.g. 0:5" },
  filter: { value: "REGEX", help: "keep instances whose id matches (re.match semantics)" },
  shuffle: { help: "shuffle the instances (seeded) before filtering and slicing" },
  workers: {
    value: "N",
    short: "w",
    help: "concurrent instances (default: 1)",
    expect: "an integer ≥ 1",
  },
  procs: {
    value: "N",
    help: "run the agents in N child processes, each on its own event loop (default: 1, in-process)",
    expect: "an integer ≥ 1",
  },
  output: { value: "DIR", short: "o", help: "output directory (required)", path: true },
  "export-jsonl": {
    value: "FILE",
    path: true,
    help: "also write the predictions as JSON lines for swebench.harness.run_evaluation and print its command",
  },
  "redo-existing": { help: "rerun instances already in preds.json" },
  config: {
    value: "SPEC",
    short: "c",
    repeat: true,
    help:
      "YAML file or key.path=value; repeatable, merged in order; giving -c drops the default " +
      "(the seed's swebench.yaml; shipped: swebench.yaml, swebench-v2.yaml, swebench-v2-backticks.yaml)",
  },
  strict: { help: "unknown or misplaced config keys are an error, not a warning" },
  "skip-checks": {
    help: "start without the start-up checks (model endpoint serves the model, Docker host answers)",
  },
  model: { value: "NAME", short: "m", help: "model.model_name" },
  "environment-class": {
    value: "CLASS",
    help: ENVIRONMENT_CLASS_NAMES.join(" | "),
    expect: ENVIRONMENT_CLASS_NAMES.join(" or "),
  },
  "docker-host": {
    value: "URL[=SLOTS][,KEY=VALUE]",
    repeat: true,
    help:
      `a Docker-API host for the containers (${DOCKER_HOST_FORMS}), ` +
      "=SLOTS: at most that many at once; ,identity=KEY ,known_hosts=FILE|off (ssh) ,tls=DIR " +
      "(https, tcp); repeatable: each container goes to the least-loaded host that has its " +
      "image, one that fails is drained",
  },
  "docker-ping-interval": {
    value: "S",
    help:
      "with --docker-host: seconds between the runner's health pings of each host " +
      "(environment.docker_health.interval_s; default 10, 0: no pings)",
    expect: "a number of seconds ≥ 0",
  },
  "docker-ping-failures": {
    value: "N",
    help: "unanswered health pings in a row that drain a host (fail_after; default 2)",
    expect: "an integer ≥ 1",
  },
  "docker-ping-recover": {
    value: "N",
    help: "answered health pings in a row that bring a drained host back (recover_after; default 3, 0: never)",
    expect: "an integer ≥ 0",
  },
  "base-url": { value: "URL", help: "model.base_url (the router's or vLLM's /v1 URL)" },
  "router-api-key": {
    value: "KEY",
    help: "the router's API key, sent as a bearer token with program releases",
    env: "THUNDERAGENT_API_KEY",
  },
} as const satisfies Record<string, OptionSpec>;

export const SWEBENCH_CLI = defineCli(import.meta.url, {
  name: "swebench",
  summary: "Runs the agent over SWE-bench instances (mini-extra swebench's job).",
  options: SWEBENCH_FLAGS,
  epilog:
    "Relative paths (-o, -c FILE, --subset FILE) are taken from the directory the command was run\n" +
    "in (INIT_CWD under pnpm/npm).",
});

/** The `--help` text. */
export function usage(): string {
  return helpText(SWEBENCH_CLI);
}

const Options = z.object({
  subset: z.string().min(1).default("lite"),
  split: z.string().min(1).default("dev"),
  slice: z
    .string()
    .regex(/^-?\d*(:-?\d*){0,2}$/, "must look like start:stop[:step]")
    .optional(),
  filter: z
    .string()
    .refine((s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    }, "must be a valid regular expression")
    .optional(),
  shuffle: z.boolean().default(false),
  workers: z.coerce.number().int().min(1).max(4096).default(1),
  procs: z.coerce.number().int().min(1).max(256).default(1),
  output: z.string({ error: "is required" }).min(1, "is required"),
  redoExisting: z.boolean().default(false),
  exportJsonl: z.string().min(1).optional(),
  config: z.array(z.string().min(1)).default([]),
  strict: z.boolean().default(false),
  skipChecks: z.boolean().default(false),
  model: z.string().min(1).optional(),
  environmentClass: z.enum(ENVIRONMENT_CLASS_NAMES).optional(),
  baseUrl: z.url("must be a URL").optional(),
  dockerHost: z.array(z.string().superRefine(checkDockerHost)).default([]),
  dockerPingInterval: z.coerce.number().nonnegative().optional(),
  dockerPingFailures: z.coerce.number().int().min(1).optional(),
  dockerPingRecover: z.coerce.number().int().nonnegative().optional(),
  routerApiKey: z.string().min(1).optional(),
});
export type CliOptions = z.infer<typeof Options>;

/** `--docker-host URL[=SLOTS]`, as `environment.docker_hosts` reads it (the config keeps the text). */
function checkDockerHost(spec: string, ctx: z.RefinementCtx): void {
  const r = DockerHostSpec.safeParse(spec);
  if (!r.success)
    ctx.addIssue({ code: "custom", message: `${spec}: ${r.error.issues[0]!.message}` });
}

export interface ParseCliContext {
  /** Default: no INIT_CWD (paths from `cwd`). */
  readonly env?: Env;
  /** Default process.cwd(). */
  readonly cwd?: string;
}

/**
 * `-c` specs with their files made absolute: a spec that names an existing file, or is not a
 * `key.path=value` override, is a path (`default` and the shipped `swebench.yaml` stay names).
 */
function configSpecs(specs: readonly string[], env: Env, cwd: string): string[] {
  return specs.map((spec) => {
    if (spec === "default") return spec;
    const abs = resolveFromCaller(spec, env, cwd);
    if (existsSync(abs)) return abs;
    if (isOverrideSpec(spec) || spec in SHIPPED_CONFIGS) return spec;
    return abs;
  });
}

/** `--subset`: a dataset file (by its extension, or because it exists) is made absolute. */
function subsetSource(subset: string, env: Env, cwd: string): string {
  if (subset === "sample" || subset in DATASET_MAPPING) return subset;
  const abs = resolveFromCaller(subset, env, cwd);
  return DATASET_FILE.test(subset) || existsSync(abs) ? abs : subset;
}

/** Parses argv (without node and the script); "help"/"version" text, or the options. */
export function readCommandLine(
  argv: readonly string[],
  ctx: ParseCliContext = {},
): CliOptions | CliText {
  const env = ctx.env ?? {};
  const cwd = ctx.cwd ?? process.cwd();
  try {
    const o = parseAndValidate(SWEBENCH_CLI, Options, argv, { env, cwd });
    if (isCliText(o)) return o;
    return {
      ...o,
      subset: subsetSource(o.subset, env, cwd),
      config: configSpecs(o.config, env, cwd),
    };
  } catch (err) {
    throw err instanceof CliUsageError ? new UsageError(err.message) : err;
  }
}

/** The options from argv, or "help" (what other programs check their flags with). */
export function parseCli(argv: readonly string[], ctx: ParseCliContext = {}): CliOptions | "help" {
  const cl = readCommandLine(argv, ctx);
  return "kind" in cl ? "help" : cl;
}

/** A dataset file that is not there is a usage error (one line, exit 2), not a stack trace. */
export function checkSubset(o: CliOptions): void {
  if ((DATASET_FILE.test(o.subset) || o.subset.startsWith("/")) && !existsSync(o.subset)) {
    throw new UsageError(`--subset ${o.subset}: no such file`);
  }
}
