/**
 * What a plan is: the processes of each system, where its steps are counted, the facts taken from
 * the machine, and the `routerCommand` extension. `buildPlan` (plan.ts) produces it.
 * @module
 */
import type { ReproduceSystem, RouterMode } from "@thunderagent/protocol";
import type { BackendTypeName } from "@thunderagent/router-core";
import { ReproduceError } from "./errors.js";
import type { Preset } from "./presets.js";

/** The options do not make a runnable plan (code `invalid_plan`). */
export class PlanError extends ReproduceError {
  override readonly name: string = "PlanError";
  constructor(message: string) {
    super("invalid_plan", message);
  }
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
  /** What the engines are (router-core's BACKEND_TYPES): how the engine meter counts served calls. */
  readonly backendType: BackendTypeName;
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
  readonly router: RouterMode;
  /** `--backend-type`: what the engines are (router-core's BACKEND_TYPES). */
  readonly backendType: BackendTypeName;
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
