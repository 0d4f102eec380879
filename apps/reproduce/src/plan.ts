/**
 * Flags → the list of processes to run, for every system of the experiment. Pure: the facts it
 * needs from the machine (GPU sets, the Hugging Face CLI, HF_HOME, paths) are passed in, so
 * `--dry-run` prints exactly what a real run would start.
 * @module
 */
import { join, resolve } from "node:path";
import type { ReproduceSystem } from "@thunderagent/protocol";
import type { Options } from "./options.js";
import { PRESETS, type Preset } from "./presets.js";
import {
  SIM_STREAM_INTERVAL,
  defaultSimWorkers,
  defaultTimeScale,
  simComputeShare,
  simKvTokens,
} from "./simulate.js";
import { validateEngineChoice } from "./validate.js";

export class PlanError extends Error {
  override readonly name = "PlanError";
}

export type Role = "download" | "engine" | "proxy" | "runner";

export interface ProcessSpec {
  readonly name: string;
  readonly role: Role;
  readonly command: string;
  readonly args: readonly string[];
  /** Added to the orchestrator's environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  readonly health: { readonly url: string; readonly timeoutS: number } | null;
}

export type StepSource =
  | { readonly kind: "profile-csv"; readonly path: string }
  | { readonly kind: "trajectories"; readonly dirs: readonly string[] };

export interface SystemPlan {
  readonly system: ReproduceSystem;
  readonly engines: readonly ProcessSpec[];
  readonly proxy: ProcessSpec | null;
  /**
   * One runner; a baseline over K servers gets K runners, runner i with every K-th instance
   * (`--slice i::K`) and its share of the workers, talking to server i.
   */
  readonly runners: readonly ProcessSpec[];
  readonly output: string;
  readonly stepSource: StepSource;
  /** The engines this system's calls are served by (their /metrics count served calls too). */
  readonly engineUrls: readonly string[];
}

export interface Plan {
  readonly runId: string;
  readonly preset: Preset;
  readonly model: string;
  readonly mode: "real" | "simulated";
  readonly workers: number;
  readonly download: ProcessSpec | null;
  readonly systems: readonly SystemPlan[];
  readonly window: { readonly startMin: number; readonly endMin: number };
  readonly timeScale: number | null;
  /** Real seconds per (simulated) minute. */
  readonly minuteS: number;
  /** Stop the runner this many minutes after start; null = let it finish. */
  readonly stopAfterMin: number | null;
  readonly runDir: string;
  readonly reportPath: string;
  /** Simulated runs: the repeated sample dataset to write before the runner starts. */
  readonly dataset: { readonly path: string } | null;
  readonly graceS: number;
  readonly notes: readonly string[];
}

/**
 * What the router of the `thunderagent` system is started with: everything the run decides (the
 * address, the engines, where the profile goes, the scheduler and metrics intervals, already scaled
 * to the run's time scale; null = leave the router's own default).
 */
export interface RouterLaunch {
  readonly host: string;
  readonly port: number;
  readonly backends: readonly string[];
  readonly profileDir: string;
  readonly router: "tr" | "default";
  readonly schedulerIntervalS: number | null;
  readonly metricsIntervalS: number | null;
  /** Real seconds per simulated second; null for real runs. */
  readonly timeScale: number | null;
}

/** A router command of the caller's choosing (another implementation, a wrapper, …). */
export interface RouterCommand {
  /** The process's name in logs, pids.json and errors (default "proxy"). */
  readonly name?: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export interface PlanExtensions {
  /**
   * Builds the router process of the `thunderagent` system instead of this repository's proxy.
   * It must answer `GET /health`, serve `/v1` and write `step_profiles.csv` into `profileDir`.
   */
  readonly routerCommand?: (launch: RouterLaunch) => RouterCommand;
}

export interface PlanFacts {
  /** The monorepo root: node_modules/tsx lives here. */
  readonly root: string;
  /** Where the TypeScript entry points are looked up (the root, or a test's stand-ins). */
  readonly entryRoot?: string;
  readonly cwd: string;
  readonly execPath: string;
  readonly hfCli: "hf" | "huggingface-cli" | null;
  /** --hf-home, else $HF_HOME. */
  readonly hfHome: string | undefined;
  /** One GPU set per replica (from the GPU check); null when no GPU is involved or unknown. */
  readonly gpuSets: readonly (readonly number[])[] | null;
  readonly runId: string;
}

/** `node --conditions=@thunderagent/source --import tsx <entry.ts>`, as scripts/run.mjs runs apps. */
export function tsEntry(facts: PlanFacts, entry: string): { command: string; args: string[] } {
  const tsx = join(facts.root, "node_modules", "tsx", "dist", "esm", "index.mjs");
  return {
    command: facts.execPath,
    args: [
      "--conditions=@thunderagent/source",
      "--import",
      `file://${tsx}`,
      join(facts.entryRoot ?? facts.root, entry),
    ],
  };
}

export const ENGINE_SIM_ENTRY = "packages/engine-sim/src/main.ts";
export const PROXY_ENTRY = "apps/proxy/src/main.ts";
export const RUNNER_ENTRY = "apps/swebench/src/main.ts";

export function fmtNum(n: number): string {
  return String(Number(n.toPrecision(6)));
}

export function buildPlan(o: Options, facts: PlanFacts, ext: PlanExtensions = {}): Plan {
  const preset = PRESETS[o.preset];
  const simulate = o.simulate;
  const mode = simulate ? "simulated" : "real";
  const model = o.model ?? preset.model;
  const servedName = o.servedModelName ?? model;
  const tp = o.tensorParallelSize ?? preset.tensorParallelSize;
  const quantization =
    o.quantization === "none" ? null : (o.quantization ?? (o.model ? null : preset.quantization));
  const kvCacheDtype = o.kvCacheDtype ?? preset.kvCacheDtype;
  const launchEngines = !o.backends;
  const notes: string[] = [];

  if (launchEngines && !simulate) {
    const problems = validateEngineChoice({
      model,
      tensorParallelSize: tp,
      replicas: o.replicas,
      enableExpertParallel: o.enableExpertParallel,
      quantization,
      kvCacheDtype,
      attentionHeads: model === preset.model ? preset.attentionHeads : null,
    });
    if (problems.length > 0) throw new PlanError(problems.join("\n"));
  }
  const systems: ReproduceSystem[] = o.compare
    ? ["thunderagent", "vllm"]
    : o.baseline
      ? ["vllm"]
      : ["thunderagent"];
  const engineCount = o.backends ? o.backends.length : o.replicas;
  if (systems.includes("vllm") && engineCount > 1) {
    notes.push(
      `the plain-vLLM baseline has no router to spread the agents over ${engineCount} servers: ` +
        `it runs ${engineCount} runners, runner i with every ${engineCount}-th instance and its share of the workers against server i.`,
    );
  }
  const vllmPort = o.vllmPort ?? preset.vllmPort;
  const proxyPort = o.proxyPort ?? preset.proxyPort;
  const enginePorts = Array.from({ length: o.replicas }, (_, i) => vllmPort + i);
  if (launchEngines && enginePorts.includes(proxyPort)) {
    throw new PlanError(
      `the proxy's port ${proxyPort} collides with the engine ports ${enginePorts.join(", ")}; choose --proxy-port or --vllm-port.`,
    );
  }
  let hfHome = facts.hfHome;
  if (launchEngines && !simulate && !hfHome) {
    const msg =
      "HF_HOME is not set: real runs need to know where the model weights are cached. " +
      "Pass --hf-home DIR or export HF_HOME=DIR (a disk with ~400 GB free for these checkpoints).";
    if (!o.dryRun) throw new PlanError(msg);
    notes.push(`${msg} (A real run would stop here.)`);
    hfHome = "/path/to/hf_home";
  }

  const workers = o.workers ?? (simulate ? defaultSimWorkers(preset) : preset.workers);
  const timeScale = simulate ? (o.timeScale ?? defaultTimeScale(o.window.endMin)) : null;
  const minuteS = 60 * (timeScale ?? 1);
  const logsDir = resolve(facts.cwd, o.logsDir ?? preset.logsDir);
  const runDir = join(logsDir, facts.runId);
  const outputRoot = resolve(facts.cwd, o.output ?? preset.output);
  const profileRoot = o.profileDir
    ? resolve(facts.cwd, o.profileDir)
    : join(logsDir, "router_metrics", facts.runId);
  const reportPath = o.report ? resolve(facts.cwd, o.report) : join(runDir, "report.json");
  const healthTimeoutS = o.healthTimeoutS ?? (simulate ? 120 : preset.healthTimeoutS);
  const host = o.host;
  const hfEnv: Record<string, string> = hfHome ? { HF_HOME: hfHome } : {};

  // Weights: the Hugging Face CLI when present, else vLLM's --download-dir.
  let download: ProcessSpec | null = null;
  const downloadDir = o.downloadDir
    ? resolve(facts.cwd, o.downloadDir)
    : facts.hfCli || !hfHome
      ? undefined
      : join(hfHome, "hub");
  if (launchEngines && !simulate && facts.hfCli) {
    download = {
      name: "download",
      role: "download",
      command: facts.hfCli,
      args: ["download", model, ...(downloadDir ? ["--cache-dir", downloadDir] : [])],
      env: hfEnv,
      logFile: join(runDir, "download.log"),
      health: null,
    };
  }

  const gpuSets =
    facts.gpuSets ??
    Array.from({ length: o.replicas }, (_, r) => Array.from({ length: tp }, (_, i) => r * tp + i));

  const engineSpecs = (sysDir: string): ProcessSpec[] => {
    if (!launchEngines) return [];
    return enginePorts.map((port, i) => {
      const name = o.replicas > 1 ? `vllm-${i}` : "vllm";
      const health = { url: `http://${host}:${port}/health`, timeoutS: healthTimeoutS };
      if (simulate) {
        const sim = tsEntry(facts, ENGINE_SIM_ENTRY);
        const kvTokens = simKvTokens(preset, workers, o.simKvScale);
        return {
          name: o.replicas > 1 ? `engine-sim-${i}` : "engine-sim",
          role: "engine" as const,
          command: sim.command,
          args: [
            ...sim.args,
            "--host",
            host,
            "--port",
            String(port),
            "--model",
            model,
            ...(o.servedModelName ? ["--served-model-name", o.servedModelName] : []),
            "--profile",
            preset.simProfile,
            "--kv-tokens",
            String(kvTokens),
            "--max-model-len",
            String(o.maxModelLen ?? Math.min(kvTokens - 1024, preset.simMaxModelLen)),
            "--time-scale",
            fmtNum(timeScale ?? 1),
            "--compute-share",
            fmtNum(simComputeShare(preset, workers, o.simKvScale)),
            "--stream-interval",
            String(SIM_STREAM_INTERVAL),
            "--enable-prompt-tokens-details",
            ...o.engineArgs,
          ],
          env: {},
          logFile: join(sysDir, `engine-sim${o.replicas > 1 ? `-${i}` : ""}.log`),
          health,
        };
      }
      const set = gpuSets[i] ?? [];
      return {
        name,
        role: "engine" as const,
        command: "vllm",
        args: [
          "serve",
          model,
          "--tensor-parallel-size",
          String(tp),
          ...(o.enableExpertParallel ? ["--enable-expert-parallel"] : []),
          "--kv-cache-dtype",
          kvCacheDtype,
          ...(quantization ? ["--quantization", quantization] : []),
          "--port",
          String(port),
          ...(o.servedModelName ? ["--served-model-name", o.servedModelName] : []),
          ...(o.gpuMemoryUtilization !== undefined
            ? ["--gpu-memory-utilization", String(o.gpuMemoryUtilization)]
            : []),
          ...(o.maxModelLen !== undefined ? ["--max-model-len", String(o.maxModelLen)] : []),
          ...(downloadDir ? ["--download-dir", downloadDir] : []),
          "--enable-prompt-tokens-details",
          ...o.vllmArgs,
        ],
        env: { CUDA_VISIBLE_DEVICES: set.join(","), ...hfEnv },
        logFile: join(sysDir, `${name}.log`),
        health,
      };
    });
  };
  const engineUrls = o.backends ?? enginePorts.map((p) => `http://${host}:${p}`);
  const datasetPath = simulate ? join(runDir, "dataset.jsonl") : null;

  const plans: SystemPlan[] = systems.map((system) => {
    const sysDir = join(runDir, system);
    const output = join(outputRoot, facts.runId, system);
    const profileDir = systems.length > 1 ? join(profileRoot, system) : profileRoot;
    let proxy: ProcessSpec | null = null;
    if (system === "thunderagent") {
      const p = tsEntry(facts, PROXY_ENTRY);
      const scaled = (s: number) => fmtNum(s * (timeScale ?? 1));
      const custom = ext.routerCommand?.({
        host,
        port: proxyPort,
        backends: engineUrls,
        profileDir,
        router: o.router,
        schedulerIntervalS: o.schedulerInterval ?? (simulate ? Number(scaled(5)) : null),
        metricsIntervalS: o.schedulerInterval === undefined && simulate ? Number(scaled(5)) : null,
        timeScale,
      });
      proxy = {
        name: custom?.name ?? "proxy",
        role: "proxy",
        command: custom?.command ?? p.command,
        args: custom
          ? [...custom.args]
          : [
              ...p.args,
              ...(simulate ? ["--host", host] : []),
              "--port",
              String(proxyPort),
              "--backends",
              engineUrls.join(","),
              "--backend-type",
              "vllm",
              "--router",
              o.router,
              "--metrics",
              "--profile",
              "--profile-dir",
              profileDir,
              ...(o.schedulerInterval !== undefined
                ? ["--scheduler-interval", fmtNum(o.schedulerInterval)]
                : simulate
                  ? ["--scheduler-interval", scaled(5), "--metrics-interval", scaled(5)]
                  : []),
              ...(simulate
                ? ["--force-resume-timeout", scaled(1800), "--abandon-timeout", scaled(1800)]
                : []),
              ...o.proxyArgs,
            ],
        env: { ...custom?.env },
        logFile: join(sysDir, "proxy.log"),
        health: {
          url: `http://${host}:${proxyPort}/health`,
          timeoutS: simulate ? 120 : 300,
        },
      };
    }
    const r = tsEntry(facts, RUNNER_ENTRY);
    const split = system === "vllm" && engineUrls.length > 1 ? engineUrls.length : 1;
    const runners: ProcessSpec[] = Array.from({ length: split }, (_, i) => {
      const share = Math.floor(workers / split) + (i < workers % split ? 1 : 0);
      const baseUrl =
        system === "thunderagent" ? `http://${host}:${proxyPort}/v1` : `${engineUrls[i]}/v1`;
      return {
        name: split > 1 ? `runner-${i}` : "runner",
        role: "runner",
        command: r.command,
        args: [
          ...r.args,
          "--subset",
          datasetPath ?? o.subset ?? preset.subset,
          ...(simulate ? [] : ["--split", o.split ?? preset.split]),
          ...(split > 1 ? ["--slice", `${i}::${split}`] : []),
          "--workers",
          String(Math.max(1, share)),
          "--output",
          split > 1 ? join(output, `server-${i}`) : output,
          "--base-url",
          baseUrl,
          "--environment-class",
          o.environmentClass ?? (simulate ? "local" : "docker"),
          "--model",
          servedName,
          ...o.runnerConfigs.flatMap((c) => ["--config", c]),
          ...o.runnerArgs,
        ],
        env: {},
        logFile: join(sysDir, split > 1 ? `runner-${i}.log` : "runner.log"),
        health: null,
      };
    });
    const outputs = split > 1 ? runners.map((_, i) => join(output, `server-${i}`)) : [output];
    return {
      system,
      engines: engineSpecs(sysDir),
      proxy,
      runners,
      output,
      engineUrls,
      stepSource:
        system === "thunderagent"
          ? { kind: "profile-csv", path: join(profileDir, "step_profiles.csv") }
          : { kind: "trajectories", dirs: outputs },
    };
  });

  if (o.subset && simulate)
    notes.push("--simulate uses the runner's sample dataset; --subset is ignored.");
  const stopAfterMin = o.runToCompletion ? null : (o.durationMin ?? o.window.endMin);
  return {
    runId: facts.runId,
    preset,
    model,
    mode,
    workers,
    download,
    systems: plans,
    window: o.window,
    timeScale,
    minuteS,
    stopAfterMin,
    runDir,
    reportPath,
    dataset: datasetPath ? { path: datasetPath } : null,
    graceS: o.graceS,
    notes,
  };
}
