/**
 * What every run needs before it is planned or started, shared by the single run (main.ts) and
 * the sweep: the entry root, the GPU sets, the machine's facts, the pieces the checkout must
 * have, and the simulated run's dataset.
 * @module
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { callerCwd, resolveFromCaller } from "@thunderagent/cli-kit";
import { ENGINE_SIM_ENTRY, PROXY_ENTRY, RUNNER_ENTRY } from "./entries.js";
import { REPO_ROOT, findHfCli, findSampleDataset } from "./facts.js";
import { GpuCheckError, assignGpus, queryGpus } from "./gpu-check.js";
import type { Options } from "./options.js";
import type { Plan, PlanFacts } from "./plan-types.js";
import { PRESETS } from "./presets.js";
import { repeatsNeeded, writeRepeatedDataset } from "./simulate.js";

/** Tests point this at stand-in entry points (apps/proxy/src/main.ts, …) of their own. */
export const ENTRY_ROOT = process.env.REPRODUCE_ENTRY_ROOT ?? REPO_ROOT;

/** The GPU sets of a real run with launched engines (null otherwise); a dry run notes a refusal. */
export async function gpuSets(o: Options, notes: string[]): Promise<number[][] | null> {
  if (o.simulate || o.backends) return null;
  const preset = PRESETS[o.preset];
  try {
    const gpus = await queryGpus();
    return assignGpus(gpus, {
      model: o.model ?? preset.model,
      tensorParallelSize: o.tensorParallelSize ?? preset.tensorParallelSize,
      replicas: o.replicas,
      weightsGiB: o.model && o.model !== preset.model ? 0 : preset.weightsGiB,
      gpuMemoryUtilization: o.gpuMemoryUtilization ?? 0.9,
      cudaDevices: o.cudaDevices,
    });
  } catch (err) {
    if (o.dryRun && err instanceof GpuCheckError) {
      notes.push(`GPU check (a real run would stop here): ${err.message}`);
      return null;
    }
    throw err;
  }
}

/** The machine's facts for buildPlan, but the run id. */
export function baseFacts(o: Options, sets: number[][] | null): Omit<PlanFacts, "runId"> {
  return {
    root: REPO_ROOT,
    entryRoot: ENTRY_ROOT,
    cwd: callerCwd(),
    execPath: process.execPath,
    hfCli: findHfCli(),
    hfHome: o.hfHome !== undefined ? resolveFromCaller(o.hfHome) : process.env.HF_HOME,
    gpuSets: sets,
  };
}

/** Entry points the plan needs that this checkout lacks. */
export function missingPieces(plan: Plan): string[] {
  const entries = new Set<string>();
  for (const s of plan.systems) {
    if (s.engines.some((e) => e.command === process.execPath)) entries.add(ENGINE_SIM_ENTRY);
    if (s.proxy) entries.add(PROXY_ENTRY);
    entries.add(RUNNER_ENTRY);
  }
  return [...entries].filter((e) => !existsSync(join(ENTRY_ROOT, e)));
}

async function countLines(path: string): Promise<number> {
  const text = (await readFile(path, "utf8")).trim();
  if (text.startsWith("[")) return (JSON.parse(text) as unknown[]).length;
  return text.split(/\r?\n/).filter((l) => l.trim() !== "").length;
}

/** Simulated runs: the sample dataset repeated enough for the run's minutes. */
export async function prepareDataset(plan: Plan, log: (line: string) => void): Promise<void> {
  if (!plan.dataset) return;
  const sample = findSampleDataset(ENTRY_ROOT);
  if (!sample) {
    throw new Error("apps/swebench ships no sample dataset (sample.jsonl); --simulate needs it");
  }
  const minutes = plan.stopAfterMin ?? plan.window.endMin;
  const lines = await writeRepeatedDataset(
    sample,
    plan.dataset.path,
    repeatsNeeded(await countLines(sample), plan.workers, minutes),
  );
  log(`dataset: ${lines} instances (the sample, repeated) in ${plan.dataset.path}`);
}
