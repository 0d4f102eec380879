/**
 * The engine processes of a system (engine-sim with --simulate, else `vllm serve`, one per
 * replica) and the weights download before them.
 * @module
 */
import { join } from "node:path";
import { ENGINE_SIM_ENTRY, fmtNum, tsEntry } from "./entries.js";
import type { Options } from "./options.js";
import type { PlanSettings } from "./plan-settings.js";
import type { PlanFacts, ProcessSpec } from "./plan-types.js";
import { SIM_STREAM_INTERVAL, simComputeShare, simKvTokens } from "./simulate.js";

/** Weights: the Hugging Face CLI when present (else vLLM's --download-dir does it). */
export function downloadSpec(s: PlanSettings, facts: PlanFacts): ProcessSpec | null {
  if (!s.launchEngines || s.simulate || !facts.hfCli) return null;
  return {
    name: "download",
    role: "download",
    command: facts.hfCli,
    args: ["download", s.model, ...(s.downloadDir ? ["--cache-dir", s.downloadDir] : [])],
    env: s.hfEnv,
    logFile: join(s.runDir, "download.log"),
    health: null,
  };
}

/** engine-sim's flags (after the entry point): the preset's profile, scaled KV pool and time. */
export function engineSimArgs(o: Options, s: PlanSettings, port: number): string[] {
  const kvTokens = simKvTokens(s.preset, s.workers, o.simKvScale);
  return [
    "--host",
    s.host,
    "--port",
    String(port),
    "--model",
    s.model,
    ...(o.servedModelName ? ["--served-model-name", o.servedModelName] : []),
    "--profile",
    s.preset.simProfile,
    "--kv-tokens",
    String(kvTokens),
    "--max-model-len",
    String(o.maxModelLen ?? Math.min(kvTokens - 1024, s.preset.simMaxModelLen)),
    "--time-scale",
    fmtNum(s.timeScale ?? 1),
    "--compute-share",
    fmtNum(simComputeShare(s.preset, s.workers, o.simKvScale)),
    "--stream-interval",
    String(SIM_STREAM_INTERVAL),
    "--enable-prompt-tokens-details",
    ...o.engineArgs,
  ];
}

/** `vllm serve <model>`'s arguments. */
export function vllmServeArgs(o: Options, s: PlanSettings, port: number): string[] {
  return [
    "serve",
    s.model,
    "--tensor-parallel-size",
    String(s.tp),
    ...(o.enableExpertParallel ? ["--enable-expert-parallel"] : []),
    "--kv-cache-dtype",
    s.kvCacheDtype,
    ...(s.quantization ? ["--quantization", s.quantization] : []),
    "--host",
    s.host,
    "--port",
    String(port),
    ...(o.servedModelName ? ["--served-model-name", o.servedModelName] : []),
    ...(o.gpuMemoryUtilization !== undefined
      ? ["--gpu-memory-utilization", String(o.gpuMemoryUtilization)]
      : []),
    ...(o.maxModelLen !== undefined ? ["--max-model-len", String(o.maxModelLen)] : []),
    ...(s.downloadDir ? ["--download-dir", s.downloadDir] : []),
    "--enable-prompt-tokens-details",
    ...o.vllmArgs,
  ];
}

function engineSpec(
  o: Options,
  s: PlanSettings,
  facts: PlanFacts,
  sysDir: string,
  port: number,
  i: number,
): ProcessSpec {
  const suffix = o.replicas > 1 ? `-${i}` : "";
  const health = { url: `http://${s.host}:${port}/health`, timeoutS: s.healthTimeoutS };
  if (s.simulate) {
    const sim = tsEntry(facts, ENGINE_SIM_ENTRY);
    return {
      name: `engine-sim${suffix}`,
      role: "engine",
      command: sim.command,
      args: [...sim.args, ...engineSimArgs(o, s, port)],
      env: {},
      logFile: join(sysDir, `engine-sim${suffix}.log`),
      health,
    };
  }
  const name = `vllm${suffix}`;
  return {
    name,
    role: "engine",
    command: "vllm",
    args: vllmServeArgs(o, s, port),
    env: { CUDA_VISIBLE_DEVICES: (s.gpuSets[i] ?? []).join(","), ...s.hfEnv },
    logFile: join(sysDir, `${name}.log`),
    health,
  };
}

/** One engine per replica; none with --backends. */
export function engineSpecs(
  o: Options,
  s: PlanSettings,
  facts: PlanFacts,
  sysDir: string,
): ProcessSpec[] {
  if (!s.launchEngines) return [];
  return s.enginePorts.map((port, i) => engineSpec(o, s, facts, sysDir, port, i));
}
