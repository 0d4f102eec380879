/**
 * The client side of the local environment's command spawner (spawner-child.ts): one helper
 * process per process that runs agents, started with the first command and reused for every
 * command after it. It does not keep this process alive when no command is running, and it ends
 * with this process (its IPC channel closes). If it dies, the commands it was running fail and the
 * next command starts a new one.
 *
 * Priority: the helper lowers its own CPU priority to `nice` (as nice(1); its commands inherit
 * it), so on a machine the sandboxes share with the runner and the router, commands yield the
 * CPU to them instead of delaying every agent's next step behind a busy test suite.
 *
 * Delivery: one read of the IPC channel can carry the exits of several commands. Each is handed
 * to its agent in a macrotask of its own (setImmediate), so that agent's whole continuation
 * (observation, next request) runs before the next agent's starts, instead of all of them
 * interleaving microtask by microtask and each finishing only when the last does. The time a
 * result waits for its turn is kept (`deliveryDelay`) so that a bench can report it.
 * @module
 */
import { type ChildProcess, fork } from "node:child_process";
import { type RecordableHistogram, createHistogram } from "node:perf_hooks";
import { DEFAULT_COMMAND_NICE } from "../config/mini-config.js";
import { nodeEntry, parseMessage } from "../node-child.js";
import { FromSpawner, type ToSpawner } from "./spawner-messages.js";

export type SpawnRequest = Omit<Extract<ToSpawner, { type: "run" }>, "type" | "id">;
export type SpawnResult = Omit<Extract<FromSpawner, { type: "exit" }>, "type" | "id">;

type Answer = Exclude<FromSpawner, { type: "failed" }>;

interface Pending {
  resolve: (answer: Answer) => void;
  reject: (error: Error) => void;
}

export interface SpawnerOptions {
  /** The helper's (and so its commands') niceness, 0–19 (default 0: this process's). */
  nice?: number;
}

export class Spawner {
  readonly nice: number;
  /** Time each result waited, after its message arrived, for its turn to be delivered (ns). */
  readonly deliveryDelay: RecordableHistogram = createHistogram();
  #child: ChildProcess | null = null;
  #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(options: SpawnerOptions = {}) {
    this.nice = options.nice ?? 0;
  }

  /** The helper's pid (undefined before the first command or after it ended). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /**
   * Runs `file args` in its own process group; aborting `signal` kills the group (the promise
   * still settles with the command's exit).
   */
  async run(request: SpawnRequest, signal?: AbortSignal): Promise<SpawnResult> {
    const child = this.#ensure();
    const id = this.#nextId++;
    const onAbort = () => this.#send(child, { type: "kill", id });
    const answer = this.#ask(child, { type: "run", id, ...request });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const {
        type: _type,
        id: _id,
        ...result
      } = (await answer) as Extract<Answer, { type: "exit" }>;
      return result;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** The helper's CPU time so far, ms (0 when none is running). */
  async cpuMs(): Promise<number> {
    const child = this.#child;
    if (!child?.connected) return 0;
    const answer = await this.#ask(child, { type: "usage", id: this.#nextId++ }).catch(() => null);
    return answer?.type === "usage" ? answer.cpuMs : 0;
  }

  /** Ends the helper (its running commands are killed); the next command starts a new one. */
  async close(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    if (child.connected) child.disconnect();
    await exited;
  }

  /** Sends a request and waits for its answer; the channel keeps this process alive meanwhile. */
  #ask(child: ChildProcess, message: ToSpawner): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      this.#pending.set(message.id, { resolve, reject });
      child.channel?.ref();
      this.#send(child, message);
    });
  }

  /** Removes request `id`'s waiter (the answer is in; the channel may let the process end). */
  #take(child: ChildProcess, id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    if (this.#pending.size === 0) child.channel?.unref();
    return pending;
  }

  #ensure(): ChildProcess {
    if (this.#child) return this.#child;
    const { path, execArgv } = nodeEntry(import.meta.url, "./spawner-child");
    const child = fork(path, [String(this.nice)], {
      execArgv,
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.unref();
    child.channel?.unref();
    child.on("message", (raw) => this.#onMessage(child, raw));
    child.on("error", () => undefined); // a send to a dead helper; its exit rejects the commands
    child.once("exit", (code, signal) => {
      if (this.#child === child) this.#child = null;
      const error = new Error(`the command spawner (pid ${child.pid}) exited (${signal ?? code})`);
      for (const id of [...this.#pending.keys()]) this.#take(child, id)?.reject(error);
    });
    this.#child = child;
    return child;
  }

  #onMessage(child: ChildProcess, raw: unknown): void {
    let message: FromSpawner;
    try {
      message = parseMessage(FromSpawner, raw, `the command spawner (pid ${child.pid})`);
    } catch (error) {
      process.stderr.write(`agent-core: ${(error as Error).message}\n`);
      return;
    }
    // Taken now: a helper that exits after answering does not fail this request.
    const pending = this.#take(child, message.id);
    if (!pending) return;
    const arrived = performance.now();
    setImmediate(() => {
      this.deliveryDelay.record(Math.max(1, Math.round((performance.now() - arrived) * 1e6)));
      if (message.type === "failed") pending.reject(new Error(message.message));
      else pending.resolve(message);
    });
  }

  #send(child: ChildProcess, message: ToSpawner): void {
    if (child.connected) child.send(message, () => undefined);
  }
}

const shared = new Map<number, Spawner>();

/**
 * This process's spawner for commands at `nice` (default DEFAULT_COMMAND_NICE), shared by every
 * local environment (and testbed) in it that uses that niceness.
 */
export function sharedSpawner(nice = DEFAULT_COMMAND_NICE): Spawner {
  let spawner = shared.get(nice);
  if (!spawner) shared.set(nice, (spawner = new Spawner({ nice })));
  return spawner;
}

/** Every shared spawner of this process: their CPU so far (ms) and their delivery delays. */
export async function sharedSpawnerStats(): Promise<{
  cpuMs: number;
  deliveryDelay: RecordableHistogram;
}> {
  const spawners = [...shared.values()];
  const deliveryDelay = createHistogram();
  for (const s of spawners) if (s.deliveryDelay.count > 0) deliveryDelay.add(s.deliveryDelay);
  const cpu = await Promise.all(spawners.map((s) => s.cpuMs()));
  return { cpuMs: cpu.reduce((a, b) => a + b, 0), deliveryDelay };
}
