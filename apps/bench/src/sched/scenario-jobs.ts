/**
 * A scenario as simulation jobs: one per seed × N × system. Fields the scenario leaves at the
 * paper's values stay off the job, so a scenario that restates the paper's sweep runs exactly the
 * jobs the built-in sweep ran.
 * @module
 */
import {
  GLM_WORKLOAD,
  OPENHANDS_GLM_WORKLOAD,
  QWEN_WORKLOAD,
  withWorkloadOverrides,
  type WorkloadParams,
} from "@thunderagent/engine-sim/profiles";
import type { LoadedScenario } from "./scenario-load.js";
import type { Scenario, SystemSpec } from "./scenario-schema.js";
import { ORIGINAL_POLICY_OPTIONS, type EngineOverrides, type Job } from "./systems.js";
import type { ScriptSpec } from "./workload.js";

const BASES: Readonly<Record<string, Readonly<WorkloadParams>>> = {
  "glm4.6": GLM_WORKLOAD,
  "qwen3-235b": QWEN_WORKLOAD,
  "openhands-glm": OPENHANDS_GLM_WORKLOAD,
};

type Overrides = Partial<WorkloadParams>;

/** The engine fields the scenario sets (kvTokens as blocks of the block size). */
function engineOverrides(s: Scenario): EngineOverrides | undefined {
  const { profile: _p, replicas: _r, kvTokens, ...rest } = s.engine;
  const o: EngineOverrides = { ...(rest as EngineOverrides) };
  if (kvTokens !== undefined) o.numGpuBlocks = Math.floor(kvTokens / (rest.blockSize ?? 16));
  return Object.keys(o).length > 0 ? o : undefined;
}

/** The workload's parameters, or undefined when they are the engine profile's own. */
function workloadOverrides(s: Scenario): WorkloadParams | undefined {
  const w = s.workload;
  if ((w.base === undefined || w.base === s.engine.profile) && !w.params) return undefined;
  return mainWorkload(s);
}

function mainWorkload(s: Scenario): WorkloadParams {
  const base = BASES[s.workload.base ?? s.engine.profile]!;
  return withWorkloadOverrides(base, s.workload.params as Overrides | undefined);
}

function scripts(loaded: LoadedScenario): ScriptSpec | undefined {
  const s = loaded.scenario;
  if (loaded.trace) return { kind: "trace", sessions: loaded.trace };
  if (!s.workload.mix) return undefined;
  const main = mainWorkload(s);
  return {
    kind: "mix",
    classes: s.workload.mix.map((c) => ({
      weight: c.weight,
      params: withWorkloadOverrides(c.base ? BASES[c.base]! : main, c.params as Overrides),
    })),
  };
}

/** The job's router options: the preset's, then the system's overrides (none: router-core's defaults). */
export function systemRouterOptions(sys: SystemSpec): Record<string, unknown> | undefined {
  const over = sys.routerOptions ?? {};
  if (sys.preset === "original") return { ...ORIGINAL_POLICY_OPTIONS, ...over };
  return Object.keys(over).length > 0 ? { ...over } : undefined;
}

function variantOf(sys: SystemSpec): string | undefined {
  if (sys.variant === null) return undefined;
  return sys.variant ?? (sys.name === sys.kind ? undefined : sys.name);
}

export interface ScenarioJobOptions {
  seeds: number;
  firstSeed: number;
  /** Only the N and systems of the scenario's `matrix` section. */
  matrix?: boolean;
  /** Systems run in addition to the scenario's own (`--with-systems`). */
  extraSystems?: readonly SystemSpec[];
}

/** The systems a run of the scenario compares. */
export function scenarioSystems(s: Scenario, o: ScenarioJobOptions): SystemSpec[] {
  const own =
    o.matrix && s.matrix?.systems
      ? s.systems.filter((x) => s.matrix!.systems!.includes(x.name))
      : s.systems;
  const extra = (o.extraSystems ?? []).filter((x) => !own.some((y) => y.name === x.name));
  return [...own, ...extra];
}

/** Jobs of one scenario: seeds outermost, then N, then systems in the file's order. */
export function scenarioJobs(loaded: LoadedScenario, o: ScenarioJobOptions): Job[] {
  const s = loaded.scenario;
  const ns = o.matrix && s.matrix?.n ? s.matrix.n : s.n;
  const systems = scenarioSystems(s, o);
  const engine = engineOverrides(s);
  const workload = workloadOverrides(s);
  const script = scripts(loaded);
  const base: Partial<Job> = {
    scenario: s.name,
    window: s.window,
    sloS: s.sloS,
    ...(engine ? { engine } : {}),
    ...(workload ? { workload } : {}),
    ...(script ? { scripts: script } : {}),
    ...(s.durationS !== undefined ? { durationS: s.durationS } : {}),
    ...(s.schedulerIntervalS !== undefined ? { schedulerIntervalS: s.schedulerIntervalS } : {}),
    ...(s.client.release && s.client.groupSize === 1 ? {} : { clients: { ...s.client } }),
    ...(s.arrival.pattern === "all" ? {} : { arrival: s.arrival }),
    ...(s.engine.replicas > 1 ? { keepMemory: true } : {}),
  };
  const jobs: Job[] = [];
  for (let k = 0; k < o.seeds; k++) {
    for (const n of ns) {
      for (const sys of systems) {
        const routerOptions = systemRouterOptions(sys);
        const variant = variantOf(sys);
        jobs.push({
          profile: s.engine.profile,
          n,
          system: sys.kind,
          seed: o.firstSeed + k,
          backends: s.engine.replicas,
          routing: sys.routing,
          ...base,
          systemName: sys.name,
          ...(routerOptions ? { routerOptions } : {}),
          ...(sys.scrapePolicy ? { scrapePolicy: sys.scrapePolicy } : {}),
          ...(variant ? { variant } : {}),
        });
      }
    }
  }
  return jobs;
}

/** The same scenario with releasing clients (the never-release target's reference). */
export function withReleases(loaded: LoadedScenario): LoadedScenario {
  const s = loaded.scenario;
  return {
    ...loaded,
    scenario: { ...s, name: `${s.name}+release`, client: { ...s.client, release: true } },
  };
}
