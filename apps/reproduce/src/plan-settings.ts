/**
 * The first step of a plan: the flags and the machine's facts resolved into the values every
 * process spec is built from (preset defaults applied, ports, directories, time scale), after the
 * checks that refuse a run (what vLLM would reject, colliding ports, a missing HF_HOME).
 * @module
 */
import { join, resolve } from "node:path";
import type { ReproduceSystem } from "@thunderagent/protocol";
import type { Options } from "./options.js";
import { PlanError, type PlanFacts } from "./plan-types.js";
import { PRESETS, type Preset } from "./presets.js";
import { defaultSimWorkers, defaultTimeScale } from "./simulate.js";
import { validateEngineChoice } from "./validate.js";

export interface PlanSettings {
  readonly preset: Preset;
  readonly simulate: boolean;
  readonly model: string;
  /** The name the runner asks for (--served-model-name, else the model). */
  readonly servedName: string;
  readonly tp: number;
  readonly quantization: string | null;
  readonly kvCacheDtype: string;
  /** False with --backends: the engines already run. */
  readonly launchEngines: boolean;
  readonly systems: readonly ReproduceSystem[];
  readonly host: string;
  readonly proxyPort: number;
  readonly enginePorts: readonly number[];
  readonly engineUrls: readonly string[];
  readonly hfHome: string | undefined;
  readonly hfEnv: Readonly<Record<string, string>>;
  /** vLLM's --download-dir (when no Hugging Face CLI fetches the weights). */
  readonly downloadDir: string | undefined;
  readonly gpuSets: readonly (readonly number[])[];
  readonly workers: number;
  readonly timeScale: number | null;
  readonly minuteS: number;
  readonly runDir: string;
  readonly outputRoot: string;
  readonly profileRoot: string;
  readonly reportPath: string;
  readonly healthTimeoutS: number;
  readonly datasetPath: string | null;
  /** Notes for the report, in the order they arose. */
  readonly notes: string[];
}

function systemsOf(o: Options): ReproduceSystem[] {
  return o.compare ? ["thunderagent", "vllm"] : o.baseline ? ["vllm"] : ["thunderagent"];
}

function checkEngineChoice(o: Options, preset: Preset, model: string, quantization: string | null) {
  const problems = validateEngineChoice({
    model,
    tensorParallelSize: o.tensorParallelSize ?? preset.tensorParallelSize,
    replicas: o.replicas,
    enableExpertParallel: o.enableExpertParallel,
    quantization,
    kvCacheDtype: o.kvCacheDtype ?? preset.kvCacheDtype,
    attentionHeads: model === preset.model ? preset.attentionHeads : null,
  });
  if (problems.length > 0) throw new PlanError(problems.join("\n"));
}

function splitBaselineNote(systems: readonly ReproduceSystem[], engineCount: number): string[] {
  if (!systems.includes("vllm") || engineCount <= 1) return [];
  return [
    `the plain-vLLM baseline has no router to spread the agents over ${engineCount} servers: ` +
      `it runs ${engineCount} runners, runner i with every ${engineCount}-th instance and its share of the workers against server i.`,
  ];
}

/** HF_HOME for real runs; a dry run goes on with a placeholder and a note. */
function resolveHfHome(o: Options, facts: PlanFacts, needed: boolean, notes: string[]) {
  if (!needed || facts.hfHome) return facts.hfHome;
  const msg =
    "HF_HOME is not set: real runs need to know where the model weights are cached. " +
    "Pass --hf-home DIR or export HF_HOME=DIR (a disk with ~400 GB free for these checkpoints).";
  if (!o.dryRun) throw new PlanError(msg);
  notes.push(`${msg} (A real run would stop here.)`);
  return "/path/to/hf_home";
}

function resolveDirs(o: Options, facts: PlanFacts, preset: Preset) {
  const logsDir = resolve(facts.cwd, o.logsDir ?? preset.logsDir);
  const runDir = join(logsDir, facts.runId);
  return {
    runDir,
    outputRoot: resolve(facts.cwd, o.output ?? preset.output),
    profileRoot: o.profileDir
      ? resolve(facts.cwd, o.profileDir)
      : join(logsDir, "router_metrics", facts.runId),
    reportPath: o.report ? resolve(facts.cwd, o.report) : join(runDir, "report.json"),
    datasetPath: o.simulate ? join(runDir, "dataset.jsonl") : null,
  };
}

export function resolveSettings(o: Options, facts: PlanFacts): PlanSettings {
  const preset = PRESETS[o.preset];
  const simulate = o.simulate;
  const model = o.model ?? preset.model;
  const tp = o.tensorParallelSize ?? preset.tensorParallelSize;
  const quantization =
    o.quantization === "none" ? null : (o.quantization ?? (o.model ? null : preset.quantization));
  const launchEngines = !o.backends;
  if (launchEngines && o.backendType !== "vllm") {
    throw new PlanError(
      `--backend-type ${o.backendType} needs --backends: the engines reproduce launches are vLLM (or engine-sim, which speaks vLLM's metrics).`,
    );
  }
  if (launchEngines && !simulate) checkEngineChoice(o, preset, model, quantization);
  const systems = systemsOf(o);
  const notes = splitBaselineNote(systems, o.backends ? o.backends.length : o.replicas);
  const vllmPort = o.vllmPort ?? preset.vllmPort;
  const proxyPort = o.proxyPort ?? preset.proxyPort;
  const enginePorts = Array.from({ length: o.replicas }, (_, i) => vllmPort + i);
  if (launchEngines && enginePorts.includes(proxyPort)) {
    throw new PlanError(
      `the proxy's port ${proxyPort} collides with the engine ports ${enginePorts.join(", ")}; choose --proxy-port or --vllm-port.`,
    );
  }
  const hfHome = resolveHfHome(o, facts, launchEngines && !simulate, notes);
  const timeScale = simulate ? (o.timeScale ?? defaultTimeScale(o.window.endMin)) : null;
  return {
    preset,
    simulate,
    model,
    servedName: o.servedModelName ?? model,
    tp,
    quantization,
    kvCacheDtype: o.kvCacheDtype ?? preset.kvCacheDtype,
    launchEngines,
    systems,
    host: o.host,
    proxyPort,
    enginePorts,
    engineUrls: o.backends ?? enginePorts.map((p) => `http://${o.host}:${p}`),
    hfHome,
    hfEnv: hfHome ? { HF_HOME: hfHome } : {},
    downloadDir: o.downloadDir
      ? resolve(facts.cwd, o.downloadDir)
      : facts.hfCli || !hfHome
        ? undefined
        : join(hfHome, "hub"),
    gpuSets:
      facts.gpuSets ??
      Array.from({ length: o.replicas }, (_, r) =>
        Array.from({ length: tp }, (_, i) => r * tp + i),
      ),
    workers: o.workers ?? (simulate ? defaultSimWorkers(preset) : preset.workers),
    timeScale,
    minuteS: 60 * (timeScale ?? 1),
    ...resolveDirs(o, facts, preset),
    healthTimeoutS: o.healthTimeoutS ?? (simulate ? 120 : preset.healthTimeoutS),
    notes,
  };
}
