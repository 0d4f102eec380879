/**
 * The ThunderAgent paper's measured points (figs. 4a, 4d and 5: mini-SWE-agent on SWE-bench Lite,
 * 8×H100, steps/min over minutes 10–70 and the prefix-cache hit rate), read off the figures'
 * vector paths to about ±1 % of the axis range (docs/simulator-facts.md). Plain vLLM is what the
 * profiles are calibrated on; ThunderAgent and Continuum are out-of-sample checks.
 * @module
 */
import type { ProfileName } from "./names.js";

export interface PaperValue {
  stepsPerMin: number;
  /** 0..1 */
  hitRate: number;
}

export interface PaperPoint {
  profile: ProfileName;
  n: number;
  vllm: PaperValue;
  continuum: PaperValue;
  thunderagent: PaperValue;
}

export type PaperSystem = "vllm" | "continuum" | "thunderagent";
export const PAPER_SYSTEMS: readonly PaperSystem[] = ["vllm", "continuum", "thunderagent"];

function p(
  profile: ProfileName,
  n: number,
  v: [number, number],
  c: [number, number],
  t: [number, number],
): PaperPoint {
  const val = ([s, h]: [number, number]): PaperValue => ({ stepsPerMin: s, hitRate: h / 100 });
  return { profile, n, vllm: val(v), continuum: val(c), thunderagent: val(t) };
}

export const PAPER: readonly PaperPoint[] = Object.freeze([
  p("glm4.6", 24, [221.9, 98.2], [217.2, 98.4], [220.1, 98.3]),
  p("glm4.6", 48, [274.5, 98.5], [302.9, 98.0], [349.2, 98.0]),
  p("glm4.6", 72, [161.8, 45.3], [282.0, 64.2], [381.9, 96.4]),
  p("glm4.6", 96, [140.1, 29.7], [213.6, 60.2], [371.1, 93.1]),
  p("qwen3-235b", 144, [83.4, 44.6], [305.1, 96.5], [334.3, 96.1]),
  p("qwen3-235b", 168, [143.6, 44.6], [218.4, 57.3], [388.4, 95.9]),
  p("qwen3-235b", 192, [125.3, 73.1], [181.0, 66.8], [378.6, 96.2]),
]);

export function paperPoint(profile: ProfileName, n: number): PaperPoint | undefined {
  return PAPER.find((x) => x.profile === profile && x.n === n);
}

/** The N values the paper measured for a profile, ascending. */
export function paperNs(profile: ProfileName): number[] {
  return PAPER.filter((x) => x.profile === profile).map((x) => x.n);
}
