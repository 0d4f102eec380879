/**
 * The messages between the runner and its agent processes (`--procs N`), as zod schemas: the
 * parent sends the run's settings once, then instances to run, and finally a stop or an end; a
 * child sends back what the in-process runner would have done to the shared state (progress,
 * predictions, exit statuses), each instance's outcome, and its own CPU and event-loop lag; with
 * Docker hosts, the child asks the parent for host slots and gives them back. A child sends what
 * one turn of its event loop produced as one array of these messages, each checked on its own.
 * @module
 */
import { MiniConfig } from "@thunderagent/agent-core";
import { Prediction, SweBenchInstance } from "@thunderagent/protocol";
import type { Histogram } from "node:perf_hooks";
import { z } from "zod";

export { parseMessage } from "@thunderagent/agent-core";

export const ToChild = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("init"),
    config: MiniConfig,
    outputDir: z.string().min(1),
    runId: z.string().min(1),
    testbedDir: z.string().min(1),
    routerApiKey: z.string().min(1).optional(),
  }),
  z.object({ type: z.literal("run"), instance: SweBenchInstance }),
  /** A host slot the child asked for (`docker_hosts`), or why there is none. */
  z.object({ type: z.literal("slot"), req: z.number().int(), url: z.string() }),
  z.object({ type: z.literal("slot-error"), req: z.number().int(), message: z.string() }),
  /** A host of the runner's pool taken out (its environments are lost) or brought back. */
  z.object({ type: z.literal("host-drained"), url: z.string(), why: z.string() }),
  z.object({ type: z.literal("host-back"), url: z.string() }),
  /** Start nothing new (the parent sends no more), interrupt the running agents. */
  z.object({ type: z.literal("stop") }),
  /** No more work: report the stats and exit. */
  z.object({ type: z.literal("end") }),
]);
export type ToChild = z.infer<typeof ToChild>;

const Outcome = z.object({
  instanceId: z.string(),
  programId: z.string(),
  exitStatus: z.string(),
  apiCalls: z.number(),
  recorded: z.boolean(),
});

export const LagStats = z.object({
  mean: z.number(),
  p50: z.number(),
  p99: z.number(),
  max: z.number(),
});
export type LagStats = z.infer<typeof LagStats>;

/** A perf_hooks histogram of nanoseconds as LagStats in ms (zeros when it is empty). */
export function histogramMs(h: Histogram): LagStats {
  const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
  if (h.count === 0) return { mean: 0, p50: 0, p99: 0, max: 0 };
  return { mean: ms(h.mean), p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

/** One agent process's totals, reported when it ends. */
export const ProcStats = z.object({
  pid: z.number().int(),
  /** User + system CPU of the process, ms. */
  cpuMs: z.number(),
  /** User + system CPU of its local-environment command spawners, ms (0 without one). */
  spawnerCpuMs: z.number(),
  /** How long the spawners' results waited for their turn to be delivered, ms. */
  spawnerDeliveryMs: LagStats,
  /** Its event-loop delay, ms (monitorEventLoopDelay, 10 ms resolution). */
  lagMs: LagStats,
});
export type ProcStats = z.infer<typeof ProcStats>;

export const FromChild = z.discriminatedUnion("type", [
  z.object({ type: z.literal("start"), id: z.string(), now: z.number() }),
  z.object({
    type: z.literal("update"),
    id: z.string(),
    patch: z.object({ step: z.number().optional(), status: z.string().optional() }),
  }),
  z.object({ type: z.literal("step") }),
  z.object({
    type: z.literal("finish"),
    id: z.string(),
    exitStatus: z.string(),
    counted: z.boolean(),
  }),
  z.object({ type: z.literal("pred"), id: z.string(), prediction: Prediction.nullable() }),
  z.object({ type: z.literal("status"), id: z.string(), status: z.string() }),
  z.object({ type: z.literal("done"), id: z.string(), outcome: Outcome }),
  z.object({ type: z.literal("failed"), id: z.string(), message: z.string() }),
  z.object({ type: z.literal("stats"), stats: ProcStats }),
  /** Host slots (`docker_hosts`): the parent owns the counts (host-slots-ipc.ts). */
  z.object({ type: z.literal("slot-acquire"), req: z.number().int(), image: z.string() }),
  z.object({ type: z.literal("slot-cancel"), req: z.number().int() }),
  z.object({ type: z.literal("slot-release"), url: z.string(), image: z.string().optional() }),
  z.object({ type: z.literal("host-out"), url: z.string(), why: z.string() }),
]);
export type FromChild = z.infer<typeof FromChild>;
