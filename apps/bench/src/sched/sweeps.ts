/**
 * The built-in sweeps, read from the shipped scenario files (`scenarios/` at the repository's
 * root): `pnpm bench:sched` runs paper-glm, paper-qwen and paper-dp2; `--quick` runs paper-glm's
 * N = 24 and 96 without the original policy.
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { scenarioJobs } from "./scenario-jobs.js";
import { loadScenario } from "./scenario-load.js";
import { ORIGINAL_VARIANT, type Job } from "./systems.js";

/** The shipped scenarios: `<repo>/scenarios/` (this file is in apps/bench/{src,dist}/sched/). */
export const SCENARIOS_DIR = fileURLToPath(new URL("../../../../scenarios/", import.meta.url));

export const PAPER_SWEEP = ["paper-glm.yaml", "paper-qwen.yaml", "paper-dp2.yaml"] as const;
const QUICK_NS = [24, 96];

/** The paper's sweep, seed by seed. `quick` is GLM N = 24 and 96 only, without the original. */
export function sweepJobs(opts: { quick: boolean; seeds: number; firstSeed: number }): Job[] {
  const files = opts.quick ? PAPER_SWEEP.slice(0, 1) : PAPER_SWEEP;
  const scenarios = files.map((f) => loadScenario(join(SCENARIOS_DIR, f)));
  const jobs: Job[] = [];
  for (let s = 0; s < opts.seeds; s++) {
    for (const sc of scenarios) {
      let js = scenarioJobs(sc, { seeds: 1, firstSeed: opts.firstSeed + s });
      if (opts.quick) {
        js = js.filter((j) => QUICK_NS.includes(j.n) && j.variant !== ORIGINAL_VARIANT);
      }
      jobs.push(...js);
    }
  }
  return jobs;
}
