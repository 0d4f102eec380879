/**
 * What `--simulate` changes: engine-sim (the preset's calibrated profile) instead of vLLM, a time
 * scale that fits the warm-up and the window into a couple of real minutes per system, the local
 * environment, and the runner's sample dataset repeated so that the workers never run dry.
 * @module
 */
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "@thunderagent/swebench";
import { ReproduceError } from "./errors.js";
import type { Preset } from "./presets.js";

/** Real seconds one simulated system run (warm-up + window) should take. */
export const SIM_TARGET_REAL_S = 150;

/**
 * Parallel agents in a simulated run: 12 for both presets. The paper's points (96 for GLM-4.6, 192
 * for Qwen3) mean hundreds of LLM calls and shell commands per real second once time is
 * compressed; every step costs the host real CPU (a blocking fork/exec of the sandbox shell in the
 * runner, two HTTP hops, the command itself), and that real time is simulated "tool time". With 24
 * agents at 40× the two cores saturated: a trivial shell command took ~0.9 s real (37 simulated s),
 * and router and baseline both ran at the machine's pace (13.4 vs 14.1 steps/min,
 * docs/results/reproduce.md). 12 agents at ~28× keep the command at ~0.07 s real (2 simulated s),
 * so the engine, not the host, sets the pace. The KV pool and the compute share shrink with the
 * agent count (simKvTokens, simComputeShare) so that the memory pressure per agent stays the
 * paper's.
 */
export const SIM_WORKERS = 12;

export function defaultSimWorkers(preset: Preset): number {
  return Math.min(SIM_WORKERS, preset.paperWorkers);
}

/** Time scale (real s per simulated s) so that `endMin` simulated minutes take the target. */
export function defaultTimeScale(endMin: number): number {
  return Number((SIM_TARGET_REAL_S / (endMin * 60)).toPrecision(3));
}

/**
 * The sample's working set per active program (~8.8K tokens, measured on simulated runs) over
 * SWE-bench's (16.8K, docs/simulator-facts.md, "Workload"): the sample's tiny repository gives
 * shorter observations.
 */
export const SIM_CONTEXT_RATIO = 0.52;

/**
 * KV tokens for engine-sim: the profile's capacity scaled like the agent count and the working
 * set, so that the memory pressure per agent is the paper's (96 agents × 16.8K on GLM's 1.13M).
 */
export function simKvTokens(preset: Preset, workers: number, scale: number | undefined): number {
  const s = scale ?? (workers / preset.paperWorkers) * SIM_CONTEXT_RATIO;
  return Math.max(16_384, Math.round((preset.simKvTokens * s) / 16) * 16);
}

/**
 * The share of the preset's GPU compute that engine-sim stands for: the same fraction as its KV
 * pool (agents and working set against the paper's). Prefill and the per-sequence decode costs
 * grow by 1/share, so re-prefilling an evicted context costs what it costs the paper's engine
 * at its agent count; without it a quarter-size pool sits on a whole GPU's compute, and
 * thrashing is nearly free.
 */
export function simComputeShare(
  preset: Preset,
  workers: number,
  scale: number | undefined,
): number {
  const s = scale ?? (workers / preset.paperWorkers) * SIM_CONTEXT_RATIO;
  return Math.min(1, Math.max(0.01, Number(s.toPrecision(3))));
}

/**
 * Tokens per streamed chunk in simulated runs (vLLM's `--stream-interval`). At 40× compressed time
 * one chunk per token is tens of thousands of SSE events per real second through engine, router and
 * runner, which two cores cannot carry: the stream would pace the engine instead of its step times.
 */
export const SIM_STREAM_INTERVAL = 16;

/** How many copies of the sample keep `workers` busy for `minutes` simulated minutes. */
export function repeatsNeeded(sampleSize: number, workers: number, minutes: number): number {
  // An instance takes a few simulated minutes at the least (tens of steps); assume 2 to be safe.
  const instances = Math.ceil(workers * (minutes / 2 + 1));
  return Math.max(1, Math.ceil(instances / Math.max(1, sampleSize)));
}

/**
 * Writes the sample repeated `repeats` times as JSONL. Each copy gets its own instance id and a
 * marker in its problem statement, so that copies are distinct programs with distinct prompts (the
 * scripted model seeds itself from the first user message).
 */
export async function writeRepeatedDataset(
  samplePath: string,
  target: string,
  repeats: number,
): Promise<number> {
  const text = await readFile(samplePath, "utf8");
  const instances = parseInstances(text, samplePath);
  const lines: string[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const inst of instances) {
      const copy = { ...inst };
      if (r > 0) {
        copy.instance_id = `${String(inst.instance_id)}-r${r}`;
        if (typeof copy.problem_statement === "string") {
          copy.problem_statement = `${copy.problem_statement}\n\n(simulated run, copy ${r})`;
        }
      }
      lines.push(JSON.stringify(copy));
    }
  }
  await writeFileAtomic(target, `${lines.join("\n")}\n`);
  return lines.length;
}

function parseInstances(text: string, path: string): Array<Record<string, unknown>> {
  const trimmed = text.trim();
  const rows: unknown[] = trimmed.startsWith("[")
    ? (JSON.parse(trimmed) as unknown[])
    : trimmed
        .split(/\r?\n/)
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as unknown);
  const out: Array<Record<string, unknown>> = [];
  for (const row of rows) {
    if (typeof row !== "object" || row === null || !("instance_id" in row)) {
      throw new ReproduceError("invalid_dataset", `${path}: every instance needs an instance_id`);
    }
    out.push(row as Record<string, unknown>);
  }
  if (out.length === 0) throw new ReproduceError("invalid_dataset", `${path} holds no instance`);
  return out;
}
