/**
 * The sweep's cells folded into one point per (N, system): mean, min, max and standard deviation
 * over the rounds, the paper's measured point beside it (engine-sim's profile module, the one home
 * of those numbers), and the speedup per N. Pure.
 * @module
 */
import { paperPoint, type ProfileName } from "@thunderagent/engine-sim/profiles";
import type {
  ReproduceSystem,
  SweepCellResult,
  SweepPoint,
  SweepStat,
} from "@thunderagent/protocol";

export function stat(xs: readonly number[]): SweepStat {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, min: Math.min(...xs), max: Math.max(...xs), sd };
}

export const SYSTEM_ORDER: readonly ReproduceSystem[] = ["thunderagent", "vllm"];

export function aggregate(
  profile: ProfileName,
  cells: readonly SweepCellResult[],
): { points: SweepPoint[]; speedups: { n: number; speedup: number }[] } {
  const ns = [...new Set(cells.map((c) => c.cell.n))].sort((a, b) => a - b);
  const points: SweepPoint[] = [];
  for (const n of ns) {
    for (const system of SYSTEM_ORDER) {
      const mine = cells.filter((c) => c.cell.n === n && c.cell.system === system);
      if (mine.length === 0) continue;
      const hits = mine.flatMap((c) => (c.kv_hit_rate === null ? [] : [c.kv_hit_rate]));
      const paper = paperPoint(profile, n)?.[system] ?? null;
      points.push({
        n,
        system,
        rounds: mine.length,
        steps_per_min: stat(mine.map((c) => c.steps_per_min)),
        kv_hit_rate: hits.length > 0 ? stat(hits) : null,
        paper: paper ? { steps_per_min: paper.stepsPerMin, kv_hit_rate: paper.hitRate } : null,
      });
    }
  }
  const speedups = ns.flatMap((n) => {
    const ta = points.find((p) => p.n === n && p.system === "thunderagent");
    const vl = points.find((p) => p.n === n && p.system === "vllm");
    return ta && vl && vl.steps_per_min.mean > 0
      ? [{ n, speedup: ta.steps_per_min.mean / vl.steps_per_min.mean }]
      : [];
  });
  return { points, speedups };
}
