/**
 * What each sweep mode can show and what it cannot, in the report's own words (the JSON's
 * `scope` and the markdown's first section).
 * @module
 */
import type { SweepMode } from "@thunderagent/protocol";

export const SCOPE: Record<SweepMode, { can_show: string[]; cannot_show: string[] }> = {
  real: {
    can_show: [
      "steps/min and KV hit rate of vLLM and ThunderAgent on this machine's GPUs, at each N, with the spread over rounds",
      "the same measurement as the paper (SWE-bench agents, minutes 10-70, served LLM calls), so the paper's points are directly comparable",
    ],
    cannot_show: [
      "more than this hardware, vLLM version and dataset: the paper's numbers are 8xH100; record.json in each cell says what ran",
    ],
  },
  simulated: {
    can_show: [
      "that the whole pipeline (engines, router, runner, sandboxes, counting) works end to end at each N",
      "the direction of the router's effect on engine-sim's calibrated engine, with host CPU costs included",
    ],
    cannot_show: [
      "the paper's absolute numbers: engine-sim stands in for the GPUs, time is compressed, the KV pool and compute are scaled to the small N a laptop carries",
      "a clean engine-bound comparison: each step's real CPU cost becomes simulated tool time (docs/results/reproduce.md)",
    ],
  },
  virtual: {
    can_show: [
      "the scheduling effect at the paper's N: engine-sim's calibrated engine model and router-core's Router in virtual time (bench:sched's simulation), no host noise",
      "the shape of the paper's curves (where vLLM thrashes, how far the router holds) against the paper's points",
    ],
    cannot_show: [
      "anything about the processes, HTTP, the runner or sandboxes: none of them run",
      "real hardware: the engine's timing and the agents' workload are the profile's calibrated models, the spread is over simulation seeds",
    ],
  },
};
