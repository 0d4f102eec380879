/**
 * An agent process of `--procs N`: runs the instances its parent sends (each with runInstance,
 * as the in-process runner does, all at once: the parent keeps the worker count) on its own event
 * loop, and sends back progress, predictions, exit statuses and outcomes; the parent owns
 * preds.json, exit_statuses.json and the view. It ignores terminal signals (the group's SIGINT
 * reaches it too): the parent says when to stop. When the parent is gone (its IPC channel closes)
 * it interrupts its agents, lets them clean up (containers removed, testbeds deleted) and exits.
 * @module
 */
import { setMaxListeners } from "node:events";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { sharedSpawnerStats } from "@thunderagent/agent-core/local";
import type { Prediction, SweBenchInstance } from "@thunderagent/protocol";
import { type InstanceContext, runInstance } from "../run/run-instance.js";
import { ProgramJournal } from "../run/program-journal.js";
import { openRunLog } from "../run/run-log.js";
import { ChildHostSlots } from "./host-slots-ipc.js";
import {
  type FromChild,
  type ProcStats,
  ToChild,
  histogramMs,
  parseMessage,
} from "./proc-messages.js";

/** After the parent is gone, the longest the agents' cleanup may take. */
const ORPHAN_EXIT_MS = 30_000;

const controller = new AbortController();
// Every running agent listens on the one stop signal.
setMaxListeners(0, controller.signal);
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const cpu0 = process.cpuUsage();
let ctx: InstanceContext | null = null;
// With Docker hosts, the slots come from the runner (it owns the counts of every process).
const hostSlots = new ChildHostSlots((message) => send(message));
let running = 0;

/** Messages of this turn of the event loop, sent as one batch (one write, one wake-up). */
let batch: FromChild[] = [];
let afterBatch: Array<() => void> = [];

function send(message: FromChild, then?: () => void): void {
  if (!process.connected) return then?.();
  batch.push(message);
  if (then) afterBatch.push(then);
  if (batch.length === 1) setImmediate(flush);
}

function flush(): void {
  const messages = batch;
  const callbacks = afterBatch;
  batch = [];
  afterBatch = [];
  const done = () => callbacks.forEach((f) => f());
  if (process.connected) process.send!(messages, undefined, {}, done);
  else done();
}

async function stats(): Promise<ProcStats> {
  const spawners = await sharedSpawnerStats();
  const cpu = process.cpuUsage(cpu0);
  return {
    pid: process.pid,
    cpuMs: (cpu.user + cpu.system) / 1000,
    spawnerCpuMs: spawners.cpuMs,
    spawnerDeliveryMs: histogramMs(spawners.deliveryDelay),
    lagMs: histogramMs(lag),
  };
}

/** The shared state the parent owns, as messages. */
function sinks(): Pick<InstanceContext, "preds" | "statuses" | "progress"> {
  return {
    preds: {
      update: async (id: string, prediction: Prediction | null) =>
        send({ type: "pred", id, prediction }),
    },
    statuses: { set: async (id: string, status: string) => send({ type: "status", id, status }) },
    progress: {
      start: (id, now) => send({ type: "start", id, now }),
      update: (id, patch) => send({ type: "update", id, patch }),
      stepDone: () => send({ type: "step" }),
      finish: (id, exitStatus, counted) => send({ type: "finish", id, exitStatus, counted }),
    },
  };
}

async function run(instance: SweBenchInstance): Promise<void> {
  const id = instance.instance_id;
  running++;
  try {
    if (!ctx) throw new Error("instance before init");
    const outcome = await runInstance(instance, ctx);
    send({ type: "done", id, outcome });
  } catch (error) {
    send({ type: "failed", id, message: (error as Error).message });
  } finally {
    running--;
  }
}

function onMessage(raw: unknown): void {
  const message = parseMessage(ToChild, raw, "the runner");
  switch (message.type) {
    case "init":
      ctx = {
        config: message.config,
        outputDir: message.outputDir,
        runId: message.runId,
        testbedDir: message.testbedDir,
        routerApiKey: message.routerApiKey,
        logger: openRunLog(message.outputDir, message.runId).child({ pid: process.pid }),
        signal: controller.signal,
        journal: new ProgramJournal(message.outputDir),
        ...(message.config.environment.docker_hosts.length > 0 ? { hostSlots } : {}),
        ...sinks(),
      };
      return;
    case "slot":
    case "slot-error":
      hostSlots.onReply(message);
      return;
    case "host-drained":
    case "host-back":
      hostSlots.onHostNews(message);
      return;
    case "run":
      void run(message.instance);
      return;
    case "stop":
      controller.abort(new Error("stopped by the runner"));
      return;
    case "end":
      lag.disable();
      void stats().then((s) => send({ type: "stats", stats: s }, () => process.exit(0)));
  }
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => {});
process.on("message", onMessage);
process.on("disconnect", () => {
  controller.abort(new Error("the runner is gone"));
  const deadline = Date.now() + ORPHAN_EXIT_MS;
  const poll = setInterval(() => {
    if (running === 0 || Date.now() > deadline) process.exit(1);
  }, 100);
  poll.unref();
  setTimeout(() => process.exit(1), ORPHAN_EXIT_MS).unref();
});
