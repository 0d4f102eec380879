/**
 * How the simulated clients behave (scenario files, `client` and `arrival`): whether they release
 * a finished program, whether they run in groups that wait for their slowest member (RL rollouts),
 * and when each agent starts. The defaults are the paper's: every agent at t = 0, releases, no
 * groups.
 * @module
 */

export interface ClientSpec {
  /** Call `/programs/release` when a program ends (false: the router only learns by abandonment). */
  release: boolean;
  /**
   * Agents 0..G−1, G..2G−1, … form groups: a member whose program ended waits until every member's
   * has, then all start their next program together (a rollout batch). 1: no groups.
   */
  groupSize: number;
}

export const DEFAULT_CLIENTS: Readonly<ClientSpec> = Object.freeze({ release: true, groupSize: 1 });

/** When the agents start: all at once, spread evenly over `overS`, or some of them in a burst. */
export type ArrivalSpec =
  | { pattern: "all" }
  | { pattern: "ramp"; overS: number }
  | { pattern: "burst"; atS: number; agents: number };

/** Start time of each of `n` agents (seconds). A burst's agents are the last `agents` ones. */
export function startTimes(n: number, arrival: ArrivalSpec | undefined): number[] {
  const a = arrival ?? { pattern: "all" };
  return Array.from({ length: n }, (_, i) => {
    switch (a.pattern) {
      case "all":
        return 0;
      case "ramp":
        return n > 1 ? (i * a.overS) / n : 0;
      case "burst":
        return i >= n - a.agents ? a.atS : 0;
    }
  });
}

/** The group barrier: which agents may start their next program now that one has ended. */
export class GroupBarrier {
  private readonly waiting: Set<number>[];

  constructor(
    private readonly n: number,
    private readonly groupSize: number,
  ) {
    this.waiting = Array.from({ length: Math.ceil(n / groupSize) }, () => new Set<number>());
  }

  /** Agent `i`'s program ended: the agents to start now (none while its group is incomplete). */
  ended(i: number): number[] {
    if (this.groupSize <= 1) return [i];
    const g = Math.floor(i / this.groupSize);
    const set = this.waiting[g]!;
    set.add(i);
    const size = Math.min(this.groupSize, this.n - g * this.groupSize);
    if (set.size < size) return [];
    const all = [...set].sort((a, b) => a - b);
    set.clear();
    return all;
  }
}
