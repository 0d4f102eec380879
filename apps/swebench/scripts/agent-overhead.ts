/**
 * Measures the agent's own overhead per step (wall time of a step minus its model time and its
 * tool time, i.e. parsing, template rendering, bookkeeping and waiting for the event loop), the
 * runner's CPU per step, and the event-loop lag, with N concurrent agents against engine-sim in
 * instant mode (a separate process).
 *
 *   node --conditions=@thunderagent/source --import tsx apps/swebench/scripts/agent-overhead.ts \
 *     --workers 128 --instances 256 --env local|null [--steps 12]
 *
 * `--env local`: the full runner path (runBatch: testbed git repos, real bash per command).
 * `--env null`: runAgent with an in-process environment answering at once (no process spawns).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import {
  type Environment,
  OpenAIModel,
  parseConfigYaml,
  mergeConfigs,
  overrideToConfig,
  parseMiniConfig,
  readDefaultConfigText,
  runAgent,
} from "@thunderagent/agent-core";
import type { StepTiming, SweBenchInstance } from "@thunderagent/protocol";
import { startControl, startInstantSim } from "./bench-processes.js";
import { loadInstances, resolveConfig, runBatch, runPool } from "../src/index.js";
import { quantile, readStepTimings, splitSteps } from "./step-overhead.js";

const { values } = parseArgs({
  options: {
    workers: { type: "string", default: "128" },
    instances: { type: "string", default: "256" },
    env: { type: "string", default: "local" },
    steps: { type: "string", default: "12" },
  },
});
const workers = Number(values.workers);
const count = Number(values.instances);

// engine-sim in its own process
const sim = await startInstantSim(Number(values.steps));
const baseUrl = `${sim.url}/v1`;

const sample = await loadInstances("sample", "test");
const instances: SweBenchInstance[] = Array.from({ length: count }, (_, i) => {
  const base = sample[i % sample.length]!;
  return {
    ...base,
    instance_id: `${base.instance_id}-${i}`,
    problem_statement: `${base.problem_statement}\n(copy ${i})`,
  };
});

// Control: the machine's contention alone (shared 2 cores), told apart from the runner's blocking.
const control = startControl();

const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const timings: StepTiming[][] = [];
const out = mkdtempSync(join(tmpdir(), "ta-overhead-"));

if (values.env === "local") {
  const config = resolveConfig(["swebench.yaml", "agent.step_limit=0"], {
    baseUrl,
    environmentClass: "local",
  });
  await runBatch({
    subset: "sample",
    split: "test",
    workers,
    output: out,
    config,
    instances,
    progressStream: null,
    testbedDir: out,
  });
  timings.push(
    ...readStepTimings(
      out,
      instances.map((i) => i.instance_id),
    ),
  );
} else {
  const config = parseMiniConfig(
    mergeConfigs(
      parseConfigYaml(readDefaultConfigText()),
      overrideToConfig(`model.base_url=${baseUrl}`),
      overrideToConfig("agent.step_limit=0"),
    ),
  );
  const nullEnv: Environment = {
    kind: "null",
    execute: async (command) => ({
      output: command.startsWith("echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT")
        ? "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT\ndiff --git a/x b/x\n"
        : "ok\n",
      returncode: 0,
    }),
    templateVars: () => ({}),
    close: async () => {},
  };
  await runPool(instances, workers, async (inst) => {
    const model = new OpenAIModel({ config: config.model, programId: inst.instance_id });
    const res = await runAgent({
      config: config.agent,
      model,
      env: nullEnv,
      task: inst.problem_statement,
    });
    timings.push(res.stepTimings);
  });
}
const wallS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
lag.disable();
sim.stop();
const controlLag = await control.stop();
const loadavg = (await import("node:os")).loadavg();
rmSync(out, { recursive: true, force: true });

const { overheads, modelTimes, toolTimes } = splitSteps(timings);
const steps = overheads.length;
const q = quantile;
const ms = (s: number) => (s * 1000).toFixed(2);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(
  JSON.stringify(
    {
      env: values.env,
      workers,
      instances: count,
      steps,
      wall_s: +wallS.toFixed(1),
      steps_per_min: +((steps / wallS) * 60).toFixed(0),
      overhead_ms: {
        mean: ms(mean(overheads)),
        p50: ms(q(overheads, 0.5)),
        p90: ms(q(overheads, 0.9)),
        p99: ms(q(overheads, 0.99)),
      },
      model_ms: { p50: ms(q(modelTimes, 0.5)), p90: ms(q(modelTimes, 0.9)) },
      tool_ms: { p50: ms(q(toolTimes, 0.5)), p90: ms(q(toolTimes, 0.9)) },
      runner_cpu_ms_per_step: ((cpu.user + cpu.system) / 1000 / steps).toFixed(2),
      event_loop_lag_ms: {
        mean: (lag.mean / 1e6).toFixed(2),
        p50: (lag.percentile(50) / 1e6).toFixed(2),
        p99: (lag.percentile(99) / 1e6).toFixed(2),
        max: (lag.max / 1e6).toFixed(2),
      },
      idle_process_lag_ms: Object.fromEntries(
        Object.entries(controlLag).map(([k, v]) => [k, (v ?? 0).toFixed(2)]),
      ),
      load_average_end: loadavg.map((x) => x.toFixed(1)).join(" "),
      cores: (await import("node:os")).cpus().length,
    },
    null,
    2,
  ),
);
process.exit(0);
