/**
 * What a docker test that starts runs cleans up afterwards, whether it passed, failed or timed out:
 * its runs are given `guard.signal` (aborted at the end, so that a run a failed test left going
 * stops) and registered with `guard.track(config, runId, run?)` (the run, when given, is waited
 * for; then every host of their config is swept of the run's containers). `await guard.end()` in
 * afterEach/afterAll; it can be reused.
 */
import type { MiniConfig } from "@thunderagent/agent-core";
import { sweepRunLeftovers } from "../../src/index.js";

export class RunGuard {
  #stop = new AbortController();
  readonly #runs: Array<{ config: MiniConfig; runId: string; run?: Promise<unknown> }> = [];

  /** The signal to give runBatch. */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  track(config: MiniConfig, runId: string, run?: Promise<unknown>): void {
    this.#runs.push({ config, runId, ...(run ? { run } : {}) });
  }

  /** Stops the runs still going and sweeps what they left on every host; ready for more runs. */
  async end(): Promise<void> {
    this.#stop.abort(new Error("test over"));
    this.#stop = new AbortController();
    for (const r of this.#runs.splice(0)) {
      await r.run?.catch(() => undefined); // stopped: it ends within seconds
      await sweepRunLeftovers(r.config, r.runId);
    }
  }
}
