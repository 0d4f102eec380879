import { GLM_WORKLOAD } from "@thunderagent/engine-sim/profiles";
import { EngineModel, type EngineRequest } from "@thunderagent/engine-sim";
import { describe, expect, it } from "vitest";
import { DirectGateway } from "../src/sched/gateway.js";
import { EngineAdapter } from "../src/sched/run-job.js";
import { runSimulation } from "../src/sched/simulation.js";
import { sampleInstance, type WorkloadParams } from "../src/sched/workload.js";

// What the simulated agent sends Continuum. mini-swe-agent's vLLM client (the Continuum fork's
// mini-swe-agent/src/minisweagent/models/vllm_model.py and ThunderAgent's copy) sets
// is_last_step = n_calls + 1 >= step_limit: only a call at the step limit is a "last step", not
// the call of a program that submits earlier.
const STEP_LIMIT = 6;
const WORKLOAD: WorkloadParams = {
  ...GLM_WORKLOAD,
  poolSize: 40,
  steps: { median: 4, p90: 8, min: 2, max: STEP_LIMIT },
};

class Recording extends EngineAdapter {
  readonly seen: EngineRequest[] = [];
  override addRequest(req: EngineRequest, now: number): void {
    this.seen.push(req);
    super.addRequest(req, now);
  }
}

describe("the simulated mini-swe-agent client as Continuum sees it", () => {
  it("marks is_last_step only on the call at the step limit, with program id and tool key", () => {
    const engine = new Recording(
      new EngineModel({
        numGpuBlocks: 50_000,
        blockSize: 16,
        maxNumBatchedTokens: 8192,
        maxNumSeqs: 1024,
        maxModelLen: 200_000,
        timing: {
          prefillBaseUs: 10,
          prefillPerKUs: 1.4,
          decodeBaseMs: 20,
          decodePerSeqMs: 0.18,
          decodePerMTokMs: 20,
        },
        continuum: { ttlS: 2, maxMeanToolS: 2 },
      }),
    );
    runSimulation({
      n: 4,
      seed: 1,
      workload: WORKLOAD,
      engines: [engine],
      backendUrls: ["http://sim"],
      gateway: (host) => new DirectGateway(host),
      window: { startS: 0, endS: 600 },
    });
    let early = 0;
    let atLimit = 0;
    for (const r of engine.seen) {
      expect(r.programId).toBeDefined();
      expect(r.toolKey).toBeDefined();
      const m = /^p\d+-i(\d+)-s(\d+)$/.exec(r.id)!;
      const steps = sampleInstance(WORKLOAD, 1, Number(m[1])).steps.length;
      const call = Number(m[2]);
      expect(r.isLastStep).toBe(call >= STEP_LIMIT);
      if (call === steps) {
        if (steps < STEP_LIMIT) early++;
        else atLimit++;
      }
    }
    // Both kinds of program ended in the run: early submitters (no last step) and capped ones.
    expect(early).toBeGreaterThan(0);
    expect(atLimit).toBeGreaterThan(0);
  });
});
