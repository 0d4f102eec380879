/**
 * The two experiments of the paper, as the seed's `reproduce_glm4.6.sh` and
 * `reproduce_qwen3_235B.sh` ran them (workload.md §F; engine-interface.md §3). Every value here is a
 * default that a command-line flag can override.
 * @module
 */

export type PresetName = "glm4.6" | "qwen3-235b";
export const PRESET_NAMES: readonly PresetName[] = ["glm4.6", "qwen3-235b"];

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

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  "glm4.6": {
    name: "glm4.6",
    model: "zai-org/GLM-4.6-FP8",
    tensorParallelSize: 8,
    kvCacheDtype: "fp8",
    quantization: null,
    vllmPort: 8100,
    proxyPort: 8000,
    healthTimeoutS: 1800,
    subset: "lite",
    split: "test",
    workers: 128,
    output: "./swebench_output",
    logsDir: "./logs",
    weightsGiB: 331,
    attentionHeads: 96,
    simProfile: "glm4.6",
    simKvTokens: 1_160_000,
    simMaxModelLen: 202_752,
    paperWorkers: 96,
    paperStepsPerMin: { thunderagent: 371.1, vllm: 140.1 },
  },
  "qwen3-235b": {
    name: "qwen3-235b",
    // The BF16 checkpoint, quantised online: the block-FP8 one fails at plain TP 8.
    model: "Qwen/Qwen3-235B-A22B-Instruct-2507",
    tensorParallelSize: 8,
    kvCacheDtype: "fp8",
    quantization: "fp8",
    vllmPort: 8100,
    proxyPort: 8000,
    healthTimeoutS: 1800,
    subset: "lite",
    split: "test",
    workers: 128,
    output: "./swebench_output",
    logsDir: "./logs",
    weightsGiB: 221,
    attentionHeads: 64,
    simProfile: "qwen3-235b",
    simKvTokens: 1_750_000,
    simMaxModelLen: 262_144,
    paperWorkers: 192,
    paperStepsPerMin: { thunderagent: 378.6, vllm: 125.3 },
  },
};

export function isPresetName(value: string): value is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(value);
}
