/**
 * The paper's numbers (workload.md §F, read off figs. 4 and 5), used for calibration (plain vLLM
 * only) and for the reference lines in the plots.
 * @module
 */
import type { ProfileName } from "./workload.js";

export interface PaperPoint {
  profile: ProfileName;
  n: number;
  vllm: { stepsPerMin: number; hitRate: number };
  continuum: { stepsPerMin: number; hitRate: number };
  thunderagent: { stepsPerMin: number; hitRate: number };
}

function p(
  profile: ProfileName,
  n: number,
  v: [number, number],
  c: [number, number],
  t: [number, number],
): PaperPoint {
  return {
    profile,
    n,
    vllm: { stepsPerMin: v[0], hitRate: v[1] / 100 },
    continuum: { stepsPerMin: c[0], hitRate: c[1] / 100 },
    thunderagent: { stepsPerMin: t[0], hitRate: t[1] / 100 },
  };
}

export const PAPER: readonly PaperPoint[] = [
  p("glm4.6", 24, [221.9, 98.2], [217.2, 98.4], [220.1, 98.3]),
  p("glm4.6", 48, [274.5, 98.5], [302.9, 98.0], [349.2, 98.0]),
  p("glm4.6", 72, [161.8, 45.3], [282.0, 64.2], [381.9, 96.4]),
  p("glm4.6", 96, [140.1, 29.7], [213.6, 60.2], [371.1, 93.1]),
  p("qwen3-235b", 144, [83.4, 44.6], [305.1, 96.5], [334.3, 96.1]),
  p("qwen3-235b", 168, [143.6, 44.6], [218.4, 57.3], [388.4, 95.9]),
  p("qwen3-235b", 192, [125.3, 73.1], [181.0, 66.8], [378.6, 96.2]),
];

export function paperPoint(profile: ProfileName, n: number): PaperPoint | undefined {
  return PAPER.find((x) => x.profile === profile && x.n === n);
}
