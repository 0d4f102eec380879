/**
 * A sweep's cells, pure: the N values (the preset's are the paper's, from engine-sim's profile
 * module), the systems, the rounds, and the order they run in. Rounds are the outer loop, so a
 * repeat of (N, system) is spread over the whole sweep rather than run back to back: a slow
 * afternoon on a shared machine then lands on every cell a little instead of on one N.
 * @module
 */
import { paperNs, type ProfileName } from "@thunderagent/engine-sim/profiles";
import type { ReproduceSystem, SweepCellKey } from "@thunderagent/protocol";

/** The paper's N for a profile (GLM 24, 48, 72, 96; Qwen3 144, 168, 192). */
export function defaultSweepNs(profile: ProfileName): number[] {
  return paperNs(profile);
}

export function cellId(n: number, system: ReproduceSystem, round: number): string {
  return `n${String(n).padStart(3, "0")}-${system}-r${round}`;
}

export function planCells(
  ns: readonly number[],
  systems: readonly ReproduceSystem[],
  repeat: number,
): SweepCellKey[] {
  const out: SweepCellKey[] = [];
  for (let round = 1; round <= repeat; round++) {
    for (const n of ns) {
      for (const system of systems) out.push({ id: cellId(n, system, round), n, system, round });
    }
  }
  return out;
}
