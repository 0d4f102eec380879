/**
 * The SWE-bench runner processes of a system: one, talking to the router or to the engine; a
 * baseline over K servers gets K runners, runner i with every K-th instance (`--slice i::K`) and
 * its share of the workers, talking to server i.
 * @module
 */
import { join } from "node:path";
import type { ReproduceSystem } from "@thunderagent/protocol";
import { RUNNER_ENTRY, tsEntry } from "./entries.js";
import type { Options } from "./options.js";
import type { PlanSettings } from "./plan-settings.js";
import type { PlanFacts, ProcessSpec } from "./plan-types.js";

/** How many runners a system gets (K for a baseline over K servers, else 1). */
export function runnerSplit(s: PlanSettings, system: ReproduceSystem): number {
  return system === "vllm" && s.engineUrls.length > 1 ? s.engineUrls.length : 1;
}

/** Runner i's output directory. */
export function runnerOutput(output: string, split: number, i: number): string {
  return split > 1 ? join(output, `server-${i}`) : output;
}

/** The runner's flags (after the entry point). */
export function runnerArgs(
  o: Options,
  s: PlanSettings,
  r: { readonly baseUrl: string; readonly output: string; readonly workers: number },
  slice: string | null,
): string[] {
  return [
    "--subset",
    s.datasetPath ?? o.subset ?? s.preset.subset,
    ...(s.simulate ? [] : ["--split", o.split ?? s.preset.split]),
    ...(slice ? ["--slice", slice] : []),
    "--workers",
    String(Math.max(1, r.workers)),
    "--output",
    r.output,
    "--base-url",
    r.baseUrl,
    "--environment-class",
    o.environmentClass ?? (s.simulate ? "local" : "docker"),
    "--model",
    s.servedName,
    ...o.runnerConfigs.flatMap((c) => ["--config", c]),
    ...o.runnerArgs,
  ];
}

export function runnerSpecs(
  o: Options,
  s: PlanSettings,
  facts: PlanFacts,
  system: ReproduceSystem,
  where: { readonly sysDir: string; readonly output: string },
): ProcessSpec[] {
  const entry = tsEntry(facts, RUNNER_ENTRY);
  const split = runnerSplit(s, system);
  return Array.from({ length: split }, (_, i) => {
    const workers = Math.floor(s.workers / split) + (i < s.workers % split ? 1 : 0);
    const baseUrl =
      system === "thunderagent" ? `http://${s.host}:${s.proxyPort}/v1` : `${s.engineUrls[i]}/v1`;
    const output = runnerOutput(where.output, split, i);
    return {
      name: split > 1 ? `runner-${i}` : "runner",
      role: "runner",
      command: entry.command,
      args: [
        ...entry.args,
        ...runnerArgs(o, s, { baseUrl, output, workers }, split > 1 ? `${i}::${split}` : null),
      ],
      env: {},
      logFile: join(where.sysDir, split > 1 ? `runner-${i}.log` : "runner.log"),
      health: null,
    };
  });
}
