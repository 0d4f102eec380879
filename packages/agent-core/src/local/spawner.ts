/**
 * The client side of the local environment's command spawner (spawner-child.ts): one helper
 * process per process that runs agents, started with the first command and reused for every
 * command after it. It does not keep this process alive when no command is running, and it ends
 * with this process (its IPC channel closes). If it dies, the commands it was running fail and the
 * next command starts a new one.
 * @module
 */
import { type ChildProcess, fork } from "node:child_process";
import { nodeEntry, parseMessage } from "../node-child.js";
import { FromSpawner, type ToSpawner } from "./spawner-messages.js";

export type SpawnRequest = Omit<Extract<ToSpawner, { type: "run" }>, "type" | "id">;
export type SpawnResult = Omit<Extract<FromSpawner, { type: "exit" }>, "type" | "id">;

type Answer = Exclude<FromSpawner, { type: "failed" }>;

interface Pending {
  resolve: (answer: Answer) => void;
  reject: (error: Error) => void;
}

export class Spawner {
  #child: ChildProcess | null = null;
  #pending = new Map<number, Pending>();
  #nextId = 1;

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
      const done = () => {
        this.#pending.delete(message.id);
        if (this.#pending.size === 0) child.channel?.unref();
      };
      this.#pending.set(message.id, {
        resolve: (a) => (done(), resolve(a)),
        reject: (e) => (done(), reject(e)),
      });
      child.channel?.ref();
      this.#send(child, message);
    });
  }

  #ensure(): ChildProcess {
    if (this.#child) return this.#child;
    const { path, execArgv } = nodeEntry(import.meta.url, "./spawner-child");
    const child = fork(path, [], {
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
      for (const p of [...this.#pending.values()]) p.reject(error);
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
    const pending = this.#pending.get(message.id);
    if (message.type === "failed") pending?.reject(new Error(message.message));
    else pending?.resolve(message);
  }

  #send(child: ChildProcess, message: ToSpawner): void {
    if (child.connected) child.send(message, () => undefined);
  }
}

let shared: Spawner | undefined;

/** This process's spawner, shared by every local environment in it. */
export function sharedSpawner(): Spawner {
  shared ??= new Spawner();
  return shared;
}
