/**
 * The command line: `reproduce <preset> [flags]`, parsed with node:util's parseArgs and validated
 * with zod. Every preset value has a flag; unset flags stay undefined so the plan can tell "the
 * preset's default" from "the user asked for it".
 * @module
 */
import { ENVIRONMENT_CLASS_NAMES, EnvironmentClassName } from "@thunderagent/agent-core";
import { RouterMode } from "@thunderagent/protocol";
import { BACKEND_TYPE_NAMES } from "@thunderagent/router-core";
import { parseArgs } from "node:util";
import { z } from "zod";
import { PRESET_NAMES, isPresetName, type PresetName } from "./presets.js";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

const positiveInt = z.coerce.number().int().positive();
const port = z.coerce.number().int().min(1).max(65535);
const positive = z.coerce.number().positive();

const WindowSchema = z
  .string()
  .regex(/^\d+(\.\d+)?:\d+(\.\d+)?$/, "expected A:B in minutes, e.g. 10:70")
  .transform((s) => {
    const [a, b] = s.split(":").map(Number) as [number, number];
    return { startMin: a, endMin: b };
  })
  .refine((w) => w.endMin > w.startMin, "the window's end must come after its start");

const urlList = z
  .string()
  .transform((s) => s.split(",").map((u) => u.trim().replace(/\/+$/, "")))
  .pipe(z.array(z.url({ protocol: /^https?$/ })).min(1));

const OptionsSchema = z.strictObject({
  preset: z.custom<PresetName>((v) => typeof v === "string" && isPresetName(v), {
    message: `expected one of ${PRESET_NAMES.join(", ")}`,
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
    .regex(/^\d+(,\d+)*$/, "expected GPU indices like 0,1,2,3")
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
});
export type Options = z.output<typeof OptionsSchema>;

const FLAGS = {
  model: { type: "string" },
  "served-model-name": { type: "string" },
  "tensor-parallel-size": { type: "string" },
  tp: { type: "string" },
  replicas: { type: "string" },
  "enable-expert-parallel": { type: "boolean" },
  quantization: { type: "string" },
  "kv-cache-dtype": { type: "string" },
  "gpu-memory-utilization": { type: "string" },
  "max-model-len": { type: "string" },
  "cuda-devices": { type: "string" },
  "vllm-arg": { type: "string", multiple: true },
  "vllm-port": { type: "string" },
  "proxy-port": { type: "string" },
  host: { type: "string" },
  "health-timeout": { type: "string" },
  subset: { type: "string" },
  split: { type: "string" },
  workers: { type: "string", short: "w" },
  output: { type: "string", short: "o" },
  "logs-dir": { type: "string" },
  "profile-dir": { type: "string" },
  "environment-class": { type: "string" },
  config: { type: "string", short: "c", multiple: true },
  "runner-arg": { type: "string", multiple: true },
  "proxy-arg": { type: "string", multiple: true },
  "engine-arg": { type: "string", multiple: true },
  router: { type: "string" },
  "backend-type": { type: "string" },
  "scheduler-interval": { type: "string" },
  "hf-home": { type: "string" },
  "download-dir": { type: "string" },
  baseline: { type: "boolean" },
  compare: { type: "boolean" },
  backends: { type: "string" },
  "dry-run": { type: "boolean" },
  window: { type: "string" },
  duration: { type: "string" },
  "run-to-completion": { type: "boolean" },
  report: { type: "string" },
  simulate: { type: "boolean" },
  "time-scale": { type: "string" },
  "sim-kv-scale": { type: "string" },
  grace: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const USAGE = `usage: reproduce <${PRESET_NAMES.join("|")}> [flags]

  --simulate              engine-sim instead of vLLM, time-compressed, local sandboxes, sample data
  --compare               router run, then plain-vLLM baseline run; one report and the comparison plot
  --baseline              only the baseline (agents talk to vLLM directly)
  --backends URL,...      use engines that already run; launch none (no GPU check)
  --backend-type T        what those engines are: ${BACKEND_TYPE_NAMES.join("|")} (vllm; launched engines are vLLM)
  --dry-run               print every command with all its flags, then exit
  --window A:B            measurement window in minutes after start (10:70)
  --duration MIN          stop the run after MIN minutes (default: the window's end)
  --run-to-completion     let the runner finish its dataset instead
  --report PATH           report JSON path (markdown and SVG plots beside it)

 engine:  --model --served-model-name --tensor-parallel-size|--tp --replicas --enable-expert-parallel
          --quantization (none to drop) --kv-cache-dtype --gpu-memory-utilization --max-model-len
          --cuda-devices 0,1,.. --vllm-port --health-timeout S --hf-home --download-dir
          --vllm-arg ARG (repeatable, passed to vllm serve)  --engine-arg ARG (engine-sim)
 router:  --proxy-port --router ${RouterMode.options.join("|")} --scheduler-interval S --profile-dir --proxy-arg ARG
 runner:  --subset --split -w|--workers -o|--output --environment-class ${ENVIRONMENT_CLASS_NAMES.join("|")}
          -c|--config FILE|key=value (repeatable) --runner-arg ARG
 other:   --host --logs-dir --time-scale X --sim-kv-scale F --grace S (SIGTERM→SIGKILL)`;

/** Parses argv (without node and the script); throws UsageError with a message naming the flag. */
export function parseOptions(argv: readonly string[]): Options | "help" {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return "help";
  if (parsed.positionals.length !== 1) {
    throw new UsageError(
      parsed.positionals.length === 0
        ? `missing the preset: one of ${PRESET_NAMES.join(", ")}`
        : `expected one preset, got ${parsed.positionals.join(" ")}`,
    );
  }
  if (v.tp !== undefined && v["tensor-parallel-size"] !== undefined) {
    throw new UsageError("give --tp or --tensor-parallel-size, not both");
  }
  const raw = {
    preset: parsed.positionals[0],
    model: v.model,
    servedModelName: v["served-model-name"],
    tensorParallelSize: v["tensor-parallel-size"] ?? v.tp,
    replicas: v.replicas,
    enableExpertParallel: v["enable-expert-parallel"],
    quantization: v.quantization,
    kvCacheDtype: v["kv-cache-dtype"],
    gpuMemoryUtilization: v["gpu-memory-utilization"],
    maxModelLen: v["max-model-len"],
    cudaDevices: v["cuda-devices"],
    vllmArgs: v["vllm-arg"],
    vllmPort: v["vllm-port"],
    proxyPort: v["proxy-port"],
    host: v.host,
    healthTimeoutS: v["health-timeout"],
    subset: v.subset,
    split: v.split,
    workers: v.workers,
    output: v.output,
    logsDir: v["logs-dir"],
    profileDir: v["profile-dir"],
    environmentClass: v["environment-class"],
    runnerConfigs: v.config,
    runnerArgs: v["runner-arg"],
    proxyArgs: v["proxy-arg"],
    engineArgs: v["engine-arg"],
    router: v.router,
    backendType: v["backend-type"],
    schedulerInterval: v["scheduler-interval"],
    hfHome: v["hf-home"],
    downloadDir: v["download-dir"],
    baseline: v.baseline,
    compare: v.compare,
    backends: v.backends,
    dryRun: v["dry-run"],
    window: v.window,
    durationMin: v.duration,
    runToCompletion: v["run-to-completion"],
    report: v.report,
    simulate: v.simulate,
    timeScale: v["time-scale"],
    simKvScale: v["sim-kv-scale"],
    graceS: v.grace,
  };
  const res = OptionsSchema.safeParse(
    Object.fromEntries(Object.entries(raw).filter(([, val]) => val !== undefined)),
  );
  if (!res.success) {
    const irregular: Record<string, string> = {
      preset: "preset",
      healthTimeoutS: "--health-timeout",
      durationMin: "--duration",
      graceS: "--grace",
      runnerConfigs: "--config",
      vllmArgs: "--vllm-arg",
      runnerArgs: "--runner-arg",
      proxyArgs: "--proxy-arg",
      engineArgs: "--engine-arg",
    };
    const flagOf = (key: PropertyKey) =>
      irregular[String(key)] ?? `--${String(key).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new UsageError(
      res.error.issues.map((i) => `${flagOf(i.path[0] ?? "")}: ${i.message}`).join("; "),
    );
  }
  const o = res.data;
  if (o.baseline && o.compare) throw new UsageError("--baseline and --compare exclude each other");
  if (o.simulate && o.backends) {
    throw new UsageError("--simulate launches its own engines; it cannot use --backends");
  }
  if (o.durationMin !== undefined && o.durationMin < o.window.endMin && !o.runToCompletion) {
    throw new UsageError(
      `--duration ${o.durationMin} ends before the window (${o.window.startMin}:${o.window.endMin}) does`,
    );
  }
  return o;
}
