/**
 * The command line: `reproduce <preset> [flags]`, parsed by cli-kit (the flag table is flags.ts)
 * and validated with zod. Every preset value has a flag; unset flags stay undefined so the plan can
 * tell "the preset's default" from "the user asked for it".
 * @module
 */
import { EnvironmentClassName } from "@thunderagent/agent-core";
import { UsageError, parseCommandLine, validate, type ParseContext } from "@thunderagent/cli-kit";
import { RouterMode } from "@thunderagent/protocol";
import { BACKEND_TYPE_NAMES } from "@thunderagent/router-core";
import { z } from "zod";
import { REPRODUCE_CLI } from "./flags.js";
import { PRESET_NAMES, isPresetName, type PresetName } from "./presets.js";

export { UsageError };
export { REPRODUCE_CLI, REPRODUCE_FLAGS, usage } from "./flags.js";

const positiveInt = z.coerce.number().int().positive();
const port = z.coerce.number().int().min(1).max(65535);
const positive = z.coerce.number().positive();

const WindowSchema = z
  .string()
  .regex(/^\d+(\.\d+)?:\d+(\.\d+)?$/, "must be A:B in minutes, e.g. 10:70")
  .transform((s) => {
    const [a, b] = s.split(":").map(Number) as [number, number];
    return { startMin: a, endMin: b };
  })
  .refine((w) => w.endMin > w.startMin, "the window's end must come after its start");

const urlList = z
  .string()
  .transform((s) => s.split(",").map((u) => u.trim().replace(/\/+$/, "")))
  .pipe(z.array(z.url({ protocol: /^https?$/ })).min(1));

const SweepList = z
  .string()
  .regex(/^(default|\d+(,\d+)*)$/, "must be N values like 24,48,72,96 (or nothing: the preset's)")
  .transform((v) => (v === "default" ? ("default" as const) : v.split(",").map(Number)))
  .refine((v) => v === "default" || v.every((n) => n > 0), "every N must be positive");

const OptionsSchema = z.object({
  preset: z.custom<PresetName>((v) => typeof v === "string" && isPresetName(v), {
    message: `must be one of ${PRESET_NAMES.join(", ")}`,
  }),
  model: z.string().min(1).optional(),
  servedModelName: z.string().min(1).optional(),
  tensorParallelSize: positiveInt.optional(),
  replicas: positiveInt.default(1),
  enableExpertParallel: z.boolean().default(false),
  quantization: z.string().min(1).optional(),
  kvCacheDtype: z.string().min(1).optional(),
  gpuMemoryUtilization: z.coerce.number().gt(0).max(1).optional(),
  maxModelLen: positiveInt.optional(),
  cudaDevices: z
    .string()
    .regex(/^\d+(,\d+)*$/, "must be GPU indices like 0,1,2,3")
    .transform((s) => s.split(",").map(Number))
    .optional(),
  vllmArgs: z.array(z.string()).default([]),
  vllmPort: port.optional(),
  proxyPort: port.optional(),
  host: z.string().min(1).default("127.0.0.1"),
  healthTimeoutS: positive.optional(),
  subset: z.string().min(1).optional(),
  split: z.string().min(1).optional(),
  workers: positiveInt.optional(),
  output: z.string().min(1).optional(),
  logsDir: z.string().min(1).optional(),
  profileDir: z.string().min(1).optional(),
  environmentClass: EnvironmentClassName.optional(),
  runnerConfigs: z.array(z.string()).default([]),
  runnerArgs: z.array(z.string()).default([]),
  proxyArgs: z.array(z.string()).default([]),
  engineArgs: z.array(z.string()).default([]),
  router: RouterMode.default("tr"),
  backendType: z.enum(BACKEND_TYPE_NAMES).default("vllm"),
  schedulerInterval: positive.optional(),
  hfHome: z.string().min(1).optional(),
  downloadDir: z.string().min(1).optional(),
  baseline: z.boolean().default(false),
  compare: z.boolean().default(false),
  backends: urlList.optional(),
  dryRun: z.boolean().default(false),
  window: WindowSchema.default({ startMin: 10, endMin: 70 }),
  durationMin: positive.optional(),
  runToCompletion: z.boolean().default(false),
  report: z.string().min(1).optional(),
  simulate: z.boolean().default(false),
  timeScale: positive.optional(),
  simKvScale: positive.optional(),
  graceS: positive.default(10),
  sweep: SweepList.optional(),
  repeat: positiveInt.default(1),
  resume: z.string().min(1).optional(),
  virtual: z.boolean().default(false),
});
export type Options = z.output<typeof OptionsSchema>;

export type CommandLine = Options | { readonly kind: "help" | "version"; readonly text: string };

/** The sweep's flags: what they exclude and need. */
function checkSweep(o: Options): void {
  const sweeping = o.sweep !== undefined || o.resume !== undefined;
  if (o.sweep !== undefined && o.resume !== undefined) {
    throw new UsageError("--resume takes the sweep's flags from its sweep.json; drop --sweep");
  }
  if (o.virtual && !o.simulate) throw new UsageError("--virtual needs --simulate");
  if (o.virtual && !sweeping) throw new UsageError("--virtual runs a sweep: add --sweep");
  if (!sweeping && o.repeat !== 1) throw new UsageError("--repeat needs --sweep");
  if (sweeping && (o.compare || o.baseline)) {
    throw new UsageError("a sweep runs both systems in every cell pair; drop --compare/--baseline");
  }
  if (sweeping && o.report) {
    throw new UsageError("a sweep writes its report into its directory; drop --report");
  }
}

/** `--sweep` with no list (last, or before another flag or the preset) means the preset's N. */
function sweepDefault(argv: readonly string[]): string[] {
  return argv.map((a, i) => {
    const next = argv[i + 1];
    return a === "--sweep" && (next === undefined || !/^\d+(,\d+)*$/.test(next))
      ? "--sweep=default"
      : a;
  });
}

/** Combinations no flag can say alone is wrong. */
function checkCombinations(o: Options): void {
  if (o.baseline && o.compare) throw new UsageError("--baseline and --compare exclude each other");
  if (o.simulate && o.backends) {
    throw new UsageError("--simulate launches its own engines; it cannot use --backends");
  }
  checkSweep(o);
  if (o.durationMin !== undefined && o.durationMin < o.window.endMin && !o.runToCompletion) {
    throw new UsageError(
      `--duration ${o.durationMin} ends before the window (${o.window.startMin}:${o.window.endMin}) does`,
    );
  }
}

/**
 * Parses argv (without node and the script): `--help`/`--version` text, or the options. Throws
 * {@link UsageError} with one line naming the flag. Paths stay as given: the plan resolves them
 * against the caller's directory (PlanFacts.cwd).
 */
export function readCommandLine(argv: readonly string[], ctx: ParseContext = {}): CommandLine {
  const parsed = parseCommandLine(REPRODUCE_CLI, sweepDefault(argv), { env: {}, ...ctx });
  if (parsed.kind !== "run") return parsed;
  const { tp, ...values } = parsed.values;
  if (tp !== undefined && values["tensorParallelSize"] !== undefined) {
    throw new UsageError("give --tp or --tensor-parallel-size, not both");
  }
  const input = {
    ...parsed.args,
    ...values,
    ...(tp !== undefined ? { tensorParallelSize: tp } : {}),
  };
  const o = validate(REPRODUCE_CLI, OptionsSchema, parsed, input);
  checkCombinations(o);
  return o;
}

/** Parses argv; the options, or "help" for `--help`/`--version`. */
export function parseOptions(argv: readonly string[], ctx: ParseContext = {}): Options | "help" {
  const cl = readCommandLine(argv, ctx);
  return "kind" in cl ? "help" : cl;
}
