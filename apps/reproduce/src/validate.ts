/**
 * Combinations that vLLM (or the experiment) rejects, caught before anything is launched
 * (docs/wire-facts.md, "vllm serve"). Pure: returns the problems as sentences.
 * @module
 */

export interface EngineChoice {
  readonly model: string;
  readonly tensorParallelSize: number;
  readonly replicas: number;
  readonly enableExpertParallel: boolean;
  readonly quantization: string | null;
  readonly kvCacheDtype: string;
  /** Attention heads of the model when known (the preset's model): TP must divide it. */
  readonly attentionHeads: number | null;
}

/** vLLM's `--kv-cache-dtype` choices. */
export const KV_CACHE_DTYPES = [
  "auto",
  "bfloat16",
  "fp8",
  "fp8_e4m3",
  "fp8_e5m2",
  "fp8_inc",
  "fp8_ds_mla",
] as const;

/** Block-FP8 (128×128) Qwen3 MoE checkpoints and their MoE intermediate size. */
const BLOCK_FP8_MOE: ReadonlyArray<{ pattern: RegExp; moeIntermediate: number }> = [
  { pattern: /^Qwen\/Qwen3-235B-A22B[\w.-]*-FP8$/i, moeIntermediate: 1536 },
  { pattern: /^Qwen\/Qwen3-30B-A3B[\w.-]*-FP8$/i, moeIntermediate: 768 },
  { pattern: /^Qwen\/Qwen3-Coder-480B-A35B[\w.-]*-FP8$/i, moeIntermediate: 2560 },
];
const FP8_BLOCK_N = 128;

/** True for checkpoints that carry their own quantization config (vLLM auto-detects it). */
export function isPrequantized(model: string): boolean {
  return /(-FP8|-AWQ|-GPTQ|-Int4|-Int8|-FP4|-NVFP4|-MXFP4)(-[\w.]+)?$/i.test(model);
}

export function validateEngineChoice(c: EngineChoice): string[] {
  const problems: string[] = [];
  const tp = c.tensorParallelSize;
  const block = BLOCK_FP8_MOE.find((b) => b.pattern.test(c.model));
  if (block && !c.enableExpertParallel) {
    const shard = block.moeIntermediate / tp;
    if (!Number.isInteger(shard) || shard % FP8_BLOCK_N !== 0) {
      problems.push(
        `${c.model} is a block-FP8 checkpoint: at tensor-parallel ${tp} each GPU gets ${block.moeIntermediate}/${tp} = ${shard} rows ` +
          `of the MoE gate/up weights, which vLLM rejects ("not divisible by weight quantization block_n = ${FP8_BLOCK_N}", vllm#17569). ` +
          `Add --enable-expert-parallel, or run --tensor-parallel-size 4 --replicas 2, ` +
          `or use the BF16 checkpoint with --quantization fp8 (the qwen3-235b preset's default).`,
      );
    }
  }
  if (c.quantization !== null && isPrequantized(c.model)) {
    problems.push(
      `${c.model} is already quantized (vLLM reads its quantization_config); passing --quantization ${c.quantization} ` +
        `makes vLLM fail on the mismatch. Drop it with --quantization none.`,
    );
  }
  if (c.attentionHeads !== null && c.attentionHeads % tp !== 0) {
    problems.push(
      `the model has ${c.attentionHeads} attention heads, which tensor-parallel ${tp} does not divide ` +
        `(vLLM: "Total number of attention heads must be divisible by tensor parallel size").`,
    );
  }
  if (!(KV_CACHE_DTYPES as readonly string[]).includes(c.kvCacheDtype)) {
    problems.push(
      `--kv-cache-dtype ${c.kvCacheDtype} is not one of vLLM's choices (${KV_CACHE_DTYPES.join(", ")}).`,
    );
  }
  return problems;
}
