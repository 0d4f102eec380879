/**
 * The agent workload a profile's simulation runs: mini-SWE-agent on SWE-bench, as distributions
 * a closed-loop agent samples its trajectory from (docs/simulator-facts.md, "Workload"). The
 * values are calibrated per model on the paper's plain-vLLM points only
 * (docs/results/calibration.md); the shape (lognormals, caps, the shared prefix) comes from 500
 * measured mini-SWE-agent trajectories.
 * @module
 */
import { CHARS_PER_TOKEN } from "../chat/tokenize.js";

export interface WorkloadParams {
  /** Instances in the pool; agents take them in order and the pool wraps around. */
  poolSize: number;
  /** System prompt tokens shared by every program (the only cross-program prefix). */
  sharedPrefixTokens: number;
  initialPrompt: { median: number; p90: number; min: number; max: number };
  steps: { median: number; p90: number; min: number; max: number };
  /** Tokens the model emits per call (thinking + visible), capped by max_completion_tokens. */
  outputTokens: { median: number; mean: number; max: number };
  /** Share of each output that is thinking: generated, but absent from the next prompt (GLM). */
  thinkingFraction: number;
  /**
   * Whether the next prompt repeats the reply's tokens verbatim, so the reply's KV is reusable
   * (Qwen3-Instruct). False for GLM-4.6: its template drops the thinking and re-renders the last
   * assistant turn, so the cached prefix ends where that turn starts.
   */
  outputReusable: boolean;
  observationTokens: { median: number; mean: number; max: number };
  /** Chat-template tokens around each assistant/observation pair. */
  templateTokensPerStep: number;
  toolTimeS: { median: number; p90: number; max: number };
  execOverheadS: { min: number; max: number };
  envStartS: { median: number; p90: number };
  maxCompletionTokens: number;
  /** Characters per token of the rendered JSON request body (what the proxy measures). */
  charsPerToken: number;
}

/** First-word tool keys (Continuum's per-tool mean) with their share and relative duration. */
export const TOOL_KEYS: readonly { key: string; weight: number; scale: number }[] = [
  { key: "cat", weight: 0.22, scale: 0.6 },
  { key: "grep", weight: 0.18, scale: 1.0 },
  { key: "sed", weight: 0.16, scale: 0.5 },
  { key: "ls", weight: 0.08, scale: 0.5 },
  { key: "find", weight: 0.08, scale: 1.2 },
  { key: "cd", weight: 0.14, scale: 2.0 },
  { key: "python", weight: 0.14, scale: 2.6 },
];

/**
 * GLM-4.6 (a thinking model). Measured shape: initial prompt median 1.65K / p90 2.4K tokens, 160
 * tokens of system prompt shared across programs, observations median 90 / mean 300 tokens capped
 * at the 10K-character truncation, tool time median 1 s / p90 5 s capped at the 60 s timeout,
 * 0.1–0.3 s of exec overhead. Calibrated on plain vLLM (calibration.md rows 0–9): 50 steps median
 * with p90 at the 135-step limit, replies median 80 / mean 160 tokens, 45 % of each reply thinking.
 */
export const GLM_WORKLOAD: Readonly<WorkloadParams> = Object.freeze({
  poolSize: 300,
  sharedPrefixTokens: 160,
  initialPrompt: { median: 1650, p90: 2400, min: 600, max: 12000 },
  steps: { median: 50, p90: 135, min: 4, max: 135 },
  outputTokens: { median: 80, mean: 160, max: 2048 },
  thinkingFraction: 0.45,
  outputReusable: false,
  observationTokens: { median: 90, mean: 300, max: 2700 },
  templateTokensPerStep: 30,
  toolTimeS: { median: 1.0, p90: 5.0, max: 60 },
  execOverheadS: { min: 0.1, max: 0.3 },
  envStartS: { median: 4, p90: 12 },
  maxCompletionTokens: 2048,
  // engine-sim's tokenizer: one token per 4 characters of rendered chat text.
  charsPerToken: CHARS_PER_TOKEN,
});

/**
 * Qwen3-235B-Instruct-2507 (non-thinking): the chat template renders a past reply as plain text,
 * so the reply is repeated verbatim in the next prompt and its KV is reusable. Long runs (Qwen3
 * models under mini-SWE-agent average ~88 turns in public reports), so GLM's heavy tail to the
 * 135-step limit is kept. Calibrated on the paper's Qwen plain-vLLM points only, with the engine
 * at BF16 speed (docs/results/fidelity-notes.md, "Revision: Qwen engine speed"): replies median
 * 50 / mean 100 tokens, about GLM's visible reply, as a non-thinking model writes only that.
 */
export const QWEN_WORKLOAD: Readonly<WorkloadParams> = Object.freeze({
  ...GLM_WORKLOAD,
  outputTokens: { median: 50, mean: 100, max: 2048 },
  thinkingFraction: 0,
  outputReusable: true,
});

/** A workload with some fields replaced (nested objects merged one level deep). */
export function withWorkloadOverrides(
  base: Readonly<WorkloadParams>,
  overrides: Partial<WorkloadParams> | undefined,
): WorkloadParams {
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(overrides ?? {})) {
    const prev = out[k];
    out[k] =
      v !== null && typeof v === "object" && prev !== null && typeof prev === "object"
        ? { ...prev, ...v }
        : v;
  }
  return out as unknown as WorkloadParams;
}

/**
 * OpenHands' CodeAct agent on GLM-4.6 (the paper's fig. 4b), docs/results/openhands-workload.md:
 * from evidence, a rendered first prompt of ≈ 9.6K tokens of which ≈ 8.4K (system prompt, tool
 * descriptions as text, the in-context example) are identical across programs, the 50-iteration
 * cap of the paper's OpenHands script and ≈ 30–47 s of environment start (fig. 2c); calibrated on
 * fig. 4b's and fig. 1b's plain-vLLM points only, the step median (44) and observation sizes
 * (median 400 / mean 1,200 tokens, capped at 30,000 characters). Replies and tool times are
 * GLM_WORKLOAD's. ThunderAgent on it is an out-of-sample check.
 */
export const OPENHANDS_GLM_WORKLOAD: Readonly<WorkloadParams> = Object.freeze({
  ...GLM_WORKLOAD,
  sharedPrefixTokens: 8420,
  initialPrompt: { median: 9600, p90: 10100, min: 9450, max: 15000 },
  templateTokensPerStep: 40,
  steps: { median: 44, p90: 50, min: 5, max: 50 },
  observationTokens: { median: 400, mean: 1200, max: 7500 },
  envStartS: { median: 33, p90: 47 },
});
