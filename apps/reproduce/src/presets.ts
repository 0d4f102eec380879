/**
 * The two experiments of the paper, as its reproduce scripts ran them (docs/simulator-facts.md,
 * "The paper's setup"). The model, KV size, context length and the paper's headline point come
 * from engine-sim's profile of the same name; every value is a default a flag can override.
 * @module
 */

import { PROFILES, PROFILE_NAMES, type ProfileName } from "@thunderagent/engine-sim/profiles";

/** A preset per model profile: the same names as engine-sim's and bench:sched's `--profile`. */
export type PresetName = ProfileName;
export const PRESET_NAMES: readonly PresetName[] = PROFILE_NAMES;

export interface Preset {
  readonly name: PresetName;
  /** Hugging Face repository of the checkpoint `vllm serve` loads. */
  readonly model: string;
  readonly tensorParallelSize: number;
  readonly kvCacheDtype: string;
  /** `--quantization` for vLLM; null = let vLLM read it from the checkpoint. */
  readonly quantization: string | null;
  readonly vllmPort: number;
  readonly proxyPort: number;
  readonly healthTimeoutS: number;
  readonly subset: string;
  readonly split: string;
  readonly workers: number;
  readonly output: string;
  readonly logsDir: string;
  /** Memory the weights take once loaded (GiB), for the GPU check. */
  readonly weightsGiB: number;
  /** Attention heads: the tensor-parallel size must divide it. */
  readonly attentionHeads: number;
  /** engine-sim's calibrated profile for `--simulate`. */
  readonly simProfile: PresetName;
  /** KV-cache capacity (tokens) of that profile: what `--sim-kv-scale` scales. */
  readonly simKvTokens: number;
  /** The profile's context length (engine-sim refuses one larger than its KV cache). */
  readonly simMaxModelLen: number;
  /** Parallel agent programs of the paper's headline point for this model. */
  readonly paperWorkers: number;
  /** The paper's steps/min at that point (Fig. 4), for the report. */
  readonly paperStepsPerMin: { readonly thunderagent: number; readonly vllm: number };
}

type FromProfile = Pick<
  Preset,
  | "name"
  | "model"
  | "simProfile"
  | "simKvTokens"
  | "simMaxModelLen"
  | "paperWorkers"
  | "paperStepsPerMin"
>;

/** What a preset takes from its engine-sim profile: model, KV, context and the headline point. */
function fromProfile(name: PresetName): FromProfile {
  const p = PROFILES[name];
  const headline = p.paper[p.paper.length - 1]!; // the paper's largest N is its headline point
  return {
    name,
    model: p.model,
    simProfile: name,
    simKvTokens: p.kvTokens,
    simMaxModelLen: p.engine.maxModelLen,
    paperWorkers: headline.n,
    paperStepsPerMin: {
      thunderagent: headline.thunderagent.stepsPerMin,
      vllm: headline.vllm.stepsPerMin,
    },
  };
}

/** How the paper's reproduce scripts ran either model: ports, start-up wait, dataset, agents, directories. */
const PAPER_RUN = {
  vllmPort: 8100,
  proxyPort: 8000,
  healthTimeoutS: 1800,
  subset: "lite",
  split: "test",
  workers: 128,
  output: "./swebench_output",
  logsDir: "./logs",
} as const satisfies Partial<Preset>;

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  "glm4.6": {
    ...fromProfile("glm4.6"),
    tensorParallelSize: 8,
    kvCacheDtype: "fp8",
    quantization: null,
    ...PAPER_RUN,
    weightsGiB: 331,
    attentionHeads: 96,
  },
  "qwen3-235b": {
    ...fromProfile("qwen3-235b"),
    // The BF16 checkpoint, quantised online: the block-FP8 one fails at plain TP 8.
    tensorParallelSize: 8,
    kvCacheDtype: "fp8",
    quantization: "fp8",
    ...PAPER_RUN,
    weightsGiB: 221,
    attentionHeads: 64,
  },
};

export function isPresetName(value: string): value is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(value);
}
