/**
 * `--procs N`: the agents run in N child processes (proc-child.ts), each on its own event loop,
 * so that one process's bursts of work (hundreds of agents answered at once, synchronous
 * `spawn`s of the local environment) do not stall the others or the runner. The runner keeps
 * the worker count, the shared files and the view: each instance goes to the process with the
 * fewest running, and what the child reports is applied to the runner's own state in order. With
 * Docker hosts the runner owns the host slots too (host-slots-ipc.ts), so the limits hold across
 * the processes.
 * @module
 */
import { type ChildProcess, fork } from "node:child_process";
import { nodeEntry } from "@thunderagent/agent-core";
import type { SweBenchInstance } from "@thunderagent/protocol";
import type { InstanceContext, InstanceOutcome } from "../run/run-instance.js";
import { hostPool } from "@thunderagent/agent-core/docker";
import { ParentHostSlots, isSlotRequest } from "./host-slots-ipc.js";
import { FromChild, type ProcStats, type ToChild, parseMessage } from "./proc-messages.js";

type Sinks = Pick<InstanceContext, "preds" | "statuses" | "progress" | "logger">;

interface Pending {
  resolve: (outcome: InstanceOutcome) => void;
  reject: (error: Error) => void;
}

interface Proc {
  child: ChildProcess;
  pending: Map<string, Pending>;
  /** The child's writes to preds/statuses, applied one after another. */
  writes: Promise<void>;
  stats: Promise<ProcStats | null>;
  exited: Promise<void>;
  alive: boolean;
  /** With Docker hosts: this child's side of the runner's host pool. */
  slots: ParentHostSlots | null;
}

export class ProcPool {
  readonly #procs: Proc[];
  readonly #sinks: Sinks;

  constructor(n: number, init: Extract<ToChild, { type: "init" }>, sinks: Sinks) {
    this.#sinks = sinks;
    const { path, execArgv } = nodeEntry(import.meta.url, "./proc-child", process.execArgv);
    const hosts = init.config.environment.docker_hosts;
    const pool = hosts.length > 0 ? hostPool(init.runId, hosts) : null;
    this.#procs = Array.from({ length: n }, () => {
      const child = fork(path, [], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
      const proc: Proc = {
        child,
        pending: new Map(),
        writes: Promise.resolve(),
        stats: Promise.resolve(null),
        exited: new Promise((resolve) => child.once("exit", () => resolve())),
        alive: true,
        slots: null,
      };
      if (pool) {
        const warn = (line: string) => sinks.logger.warn(line);
        proc.slots = new ParentHostSlots(pool, (m) => send(proc, m), warn);
      }
      proc.stats = new Promise((resolve) => {
        // A child sends the messages of one turn of its event loop as an array.
        child.on("message", (raw) => {
          for (const one of Array.isArray(raw) ? raw : [raw]) {
            const message = this.#handle(proc, one);
            if (message?.type === "stats") resolve(message.stats);
          }
        });
        child.once("exit", (code, signal) => {
          proc.alive = false;
          proc.slots?.close();
          resolve(null);
          const error = new Error(`agent process ${child.pid} exited (${signal ?? code})`);
          for (const p of proc.pending.values()) p.reject(error);
          proc.pending.clear();
        });
      });
      // A child that died has its instances rejected on exit; a send to it is dropped.
      child.on("error", () => undefined);
      send(proc, init);
      return proc;
    });
  }

  /** Runs one instance in the least-loaded process; its outcome once the child's writes landed. */
  run(instance: SweBenchInstance): Promise<InstanceOutcome> {
    const live = this.#procs.filter((p) => p.alive);
    if (live.length === 0) return Promise.reject(new Error("no agent process is running"));
    const proc = live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    return new Promise((resolve, reject) => {
      proc.pending.set(instance.instance_id, { resolve, reject });
      send(proc, { type: "run", instance });
    });
  }

  /** Interrupts every running agent (the children start nothing new: nothing more is sent). */
  stop(): void {
    for (const p of this.#procs) send(p, { type: "stop" });
  }

  /** Ends the processes; each one's stats (null for one that died). */
  async close(timeoutMs = 10_000): Promise<ProcStats[]> {
    for (const p of this.#procs) send(p, { type: "end" });
    const timer = setTimeout(() => {
      for (const p of this.#procs) if (p.alive) p.child.kill("SIGKILL");
    }, timeoutMs);
    const stats = await Promise.all(this.#procs.map((p) => p.exited.then(() => p.stats)));
    clearTimeout(timer);
    return stats.filter((s): s is ProcStats => s !== null);
  }

  #handle(proc: Proc, raw: unknown): FromChild | null {
    let message: FromChild;
    try {
      message = parseMessage(FromChild, raw, `agent process ${proc.child.pid}`);
    } catch (error) {
      process.stderr.write(`swebench: ${(error as Error).message}\n`);
      return null;
    }
    if (isSlotRequest(message)) {
      proc.slots?.handle(message);
      return message;
    }
    const { preds, statuses, progress } = this.#sinks;
    const write = (f: () => Promise<void>) => (proc.writes = proc.writes.then(f, f));
    const settle = (id: string, f: (p: Pending) => void) => {
      const pending = proc.pending.get(id);
      proc.pending.delete(id);
      if (pending) void proc.writes.then(() => f(pending));
    };
    switch (message.type) {
      case "start":
        progress.start(message.id, message.now);
        break;
      case "update":
        progress.update(message.id, compact(message.patch));
        break;
      case "step":
        progress.stepDone();
        break;
      case "finish":
        progress.finish(message.id, message.exitStatus, message.counted);
        break;
      case "pred":
        write(() => preds.update(message.id, message.prediction));
        break;
      case "status":
        write(() => statuses.set(message.id, message.status));
        break;
      case "done":
        settle(message.id, (p) => p.resolve(message.outcome));
        break;
      case "failed":
        settle(message.id, (p) => p.reject(new Error(message.message)));
        break;
      case "stats":
        break;
    }
    return message;
  }
}

function send(proc: Proc, message: ToChild): void {
  if (proc.alive && proc.child.connected) proc.child.send(message, () => undefined);
}

/** The patch without its undefined keys (they would erase the view's fields). */
function compact(patch: { step?: number | undefined; status?: string | undefined }) {
  return {
    ...(patch.step !== undefined ? { step: patch.step } : {}),
    ...(patch.status !== undefined ? { status: patch.status } : {}),
  };
}
