/**
 * `pnpm bench:runner`: the runner at scale. N workers (default 128) run copies of the sample
 * dataset through runBatch, the runner's real path (testbeds, commands, trajectories, preds),
 * against engine-sim `--instant` in its own process, with the agents in this process
 * (`--procs 1`) or in child processes (`--procs N`). Prints one JSON object: throughput, the
 * event-loop lag of the runner's main thread and of each agent process, the agents' overhead per
 * step (wall − model − tool, from the trajectories' step_timings; and the whole step's wall
 * time), how long command results waited for their agent's turn (`result_delivery_ms`, counted
 * in tool time), CPU per step (all processes of the runner, the local environment's command
 * spawners included), an idle control process's lag, and the load average at start and end (the
 * box is shared: compare runs made in the same conditions, interleaved).
 *
 *   pnpm bench:runner --workers 128 --instances 256 --procs 4 [--env local|docker] [--steps 12]
 *                     [--nice N] (environment.nice) [--keep] (keep the output: trajectories, run.log)
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { sharedSpawnerStats } from "@thunderagent/agent-core/local";
import type { SweBenchInstance } from "@thunderagent/protocol";
import { z } from "zod";
import { loadInstances, resolveConfig, runBatch } from "../src/index.js";
import { histogramMs } from "../src/procs/proc-messages.js";
import { startControl, startInstantSim } from "./bench-processes.js";
import { quantile, readStepTimings, splitSteps } from "./step-overhead.js";

const Args = z.object({
  workers: z.coerce.number().int().min(1).default(128),
  instances: z.coerce.number().int().min(1).default(256),
  procs: z.coerce.number().int().min(1).default(1),
  env: z.enum(["local", "docker"]).default("local"),
  steps: z.coerce.number().int().min(1).default(12),
  keep: z.boolean().default(false),
  /** The local environment's command niceness (environment.nice); its default when absent. */
  nice: z.coerce.number().int().min(0).max(19).optional(),
});
const { values } = parseArgs({
  options: {
    workers: { type: "string" },
    instances: { type: "string" },
    procs: { type: "string" },
    env: { type: "string" },
    steps: { type: "string" },
    keep: { type: "boolean" },
    nice: { type: "string" },
  },
});
const parsed = Args.safeParse(values);
if (!parsed.success) {
  process.stderr.write(`bench:runner: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}\n`);
  process.exit(2);
}
const args = parsed.data;
const load = () => loadavg().map((x) => +x.toFixed(1));

const sim = await startInstantSim(args.steps);
const sample = await loadInstances("sample", "test");
const instances: SweBenchInstance[] = Array.from({ length: args.instances }, (_, i) => {
  const base = sample[i % sample.length]!;
  return {
    ...base,
    instance_id: `${base.instance_id}-${i}`,
    problem_statement: `${base.problem_statement}\n(copy ${i})`,
  };
});
// docker: every copy runs in the provisioned testbed image (.ci/provision-container-engine).
const specs = ["swebench.yaml", "agent.step_limit=0"];
if (args.env === "docker") specs.push("environment.image=testbed:latest");
if (args.nice !== undefined) specs.push(`environment.nice=${args.nice}`);
const config = resolveConfig(specs, { baseUrl: `${sim.url}/v1`, environmentClass: args.env });
const out = mkdtempSync(join(tmpdir(), "ta-bench-runner-"));
const loadStart = load();
const control = startControl();
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const cpu0 = process.cpuUsage();
const summary = await runBatch({
  subset: "sample",
  split: "test",
  workers: args.workers,
  procs: args.procs,
  output: out,
  config,
  instances,
  progressStream: null,
});
const cpu = process.cpuUsage(cpu0);
lag.disable();
const controlLag = await control.stop();
sim.stop();
// --procs 1: the agents' commands were forked by this process's spawner.
const ownSpawners = await sharedSpawnerStats();
const split = splitSteps(
  readStepTimings(
    out,
    instances.map((i) => i.instance_id),
  ),
);
if (args.keep) process.stderr.write(`bench:runner: the run's output is kept in ${out}\n`);
else rmSync(out, { recursive: true, force: true });

const ms = (ns: number) => +(ns / 1e6).toFixed(1);
const mainCpuMs = (cpu.user + cpu.system) / 1000;
const procs = summary.procStats ?? [];
const childCpuMs = procs.reduce((a, p) => a + p.cpuMs, 0);
const spawnerCpuMs = ownSpawners.cpuMs + procs.reduce((a, p) => a + p.spawnerCpuMs, 0);
const round = (x: number) => +x.toFixed(1);
const perStep = (cpuMs: number) => +(cpuMs / Math.max(1, summary.steps)).toFixed(2);
const stepMs = (xs: number[], p: number) => +(quantile(xs, p) * 1000).toFixed(2);
process.stdout.write(
  `${JSON.stringify({
    env: args.env,
    workers: args.workers,
    procs: args.procs,
    instances: args.instances,
    done: summary.done,
    exit_statuses: summary.exitStatuses,
    steps: summary.steps,
    wall_s: round(summary.elapsedS),
    steps_per_min: Math.round(summary.stepsPerMin),
    main_lag_ms: { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) },
    agent_procs_lag_ms: procs.map((p) => ({
      p50: round(p.lagMs.p50),
      p99: round(p.lagMs.p99),
      max: round(p.lagMs.max),
    })),
    overhead_per_step_ms: {
      p50: stepMs(split.overheads, 0.5),
      p90: stepMs(split.overheads, 0.9),
      p99: stepMs(split.overheads, 0.99),
      after_model_p99: stepMs(split.afterModel, 0.99),
      after_tool_p99: stepMs(split.afterTool, 0.99),
    },
    // The wait of a command's result for its agent's turn (counted in tool time, not overhead).
    result_delivery_ms: [
      ...(args.procs === 1 ? [histogramMs(ownSpawners.deliveryDelay)] : []),
      ...procs.map((p) => p.spawnerDeliveryMs),
    ].map((d) => ({ p50: round(d.p50), p99: round(d.p99), max: round(d.max) })),
    step_ms: { p50: stepMs(split.stepTimes, 0.5), p99: stepMs(split.stepTimes, 0.99) },
    model_ms_p50: stepMs(split.modelTimes, 0.5),
    tool_ms: { p50: stepMs(split.toolTimes, 0.5), p99: stepMs(split.toolTimes, 0.99) },
    cpu_ms_per_step: {
      total: perStep(mainCpuMs + childCpuMs + spawnerCpuMs),
      main: perStep(mainCpuMs),
      agent_procs: perStep(childCpuMs),
      spawners: perStep(spawnerCpuMs),
    },
    idle_control_lag_ms: {
      p50: round(controlLag.p50 ?? NaN),
      p99: round(controlLag.p99 ?? NaN),
      max: round(controlLag.max ?? NaN),
    },
    load_avg_start: loadStart,
    load_avg_end: load(),
  })}\n`,
);
process.exit(0);
