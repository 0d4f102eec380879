/**
 * Host slots across `--procs N`: the runner's process owns the one pool of Docker hosts (counts,
 * slot limits, drained hosts; agent-core's HostPool), and each agent process asks it through
 * messages. `ChildHostSlots` is the agent process's side (a HostSlots whose acquire is a request
 * and a reply); `ParentHostSlots` serves one agent process, tells it which hosts are taken out
 * (by anyone: another process's failed command, the runner's health pings) and brought back, and
 * gives back the slots it held when it exits, so that a crashed child cannot keep a host full.
 * @module
 */
import type { HostSlots } from "@thunderagent/agent-core";
import type { HostPool } from "@thunderagent/agent-core/docker";
import type { FromChild, ToChild } from "./proc-messages.js";

type SlotReply = Extract<ToChild, { type: "slot" | "slot-error" }>;
type HostNews = Extract<ToChild, { type: "host-drained" | "host-back" }>;
type SlotRequest = Extract<
  FromChild,
  { type: "slot-acquire" | "slot-cancel" | "slot-release" | "host-out" }
>;

export function isSlotRequest(message: FromChild): message is SlotRequest {
  return ["slot-acquire", "slot-cancel", "slot-release", "host-out"].includes(message.type);
}

interface Asked {
  resolve: (url: string) => void;
  reject: (error: Error) => void;
}

/** The agent process's side: every call is a message to the runner. */
export class ChildHostSlots implements HostSlots {
  #next = 0;
  readonly #asked = new Map<number, Asked>();
  /** The hosts the runner says are out, and why. */
  readonly #out = new Map<string, string>();
  readonly #watchers = new Map<string, Set<(why: string) => void>>();

  constructor(private readonly send: (message: SlotRequest) => void) {}

  acquire(image: string, signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const req = this.#next++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#asked.delete(req);
        this.send({ type: "slot-cancel", req });
        reject(signal?.reason ?? new Error("aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => signal?.removeEventListener("abort", onAbort);
      this.#asked.set(req, {
        resolve: (url) => (done(), resolve(url)),
        reject: (error) => (done(), reject(error)),
      });
      this.send({ type: "slot-acquire", req, image });
    });
  }

  release(url: string, image?: string): void {
    this.send({ type: "slot-release", url, ...(image ? { image } : {}) });
  }

  /** The runner logs the line (it knows whether the host was still in). */
  takeOut(url: string, why: string): string | null {
    this.send({ type: "host-out", url, why });
    return null;
  }

  watch(url: string, onOut: (why: string) => void): () => void {
    const why = this.#out.get(url);
    if (why !== undefined) {
      queueMicrotask(() => onOut(why));
      return () => undefined;
    }
    let set = this.#watchers.get(url);
    if (!set) this.#watchers.set(url, (set = new Set()));
    set.add(onOut);
    return () => set.delete(onOut);
  }

  /** The runner's news: a host taken out (its watchers are told) or back in. */
  onHostNews(message: HostNews): void {
    if (message.type === "host-back") {
      this.#out.delete(message.url);
      return;
    }
    this.#out.set(message.url, message.why);
    const set = this.#watchers.get(message.url);
    this.#watchers.delete(message.url);
    for (const onOut of set ?? []) onOut(message.why);
  }

  /** The runner's answer to an acquire. */
  onReply(message: SlotReply): void {
    const asked = this.#asked.get(message.req);
    this.#asked.delete(message.req);
    if (message.type === "slot-error") asked?.reject(new Error(message.message));
    else if (asked) asked.resolve(message.url);
    // Cancelled meanwhile: the parent had already granted it; give it back.
    else this.release(message.url);
  }
}

/** The runner's side for one agent process. */
export class ParentHostSlots {
  readonly #waiting = new Map<number, AbortController>();
  /** The slots this child holds, by host URL. */
  readonly #held = new Map<string, number>();
  #closed = false;
  readonly #unlisten: () => void;

  constructor(
    private readonly pool: HostPool,
    private readonly reply: (message: SlotReply | HostNews) => void,
    private readonly warn: (line: string) => void,
  ) {
    this.#unlisten = pool.onChange((c) =>
      reply(
        c.up ? { type: "host-back", url: c.url } : { type: "host-drained", url: c.url, why: c.why },
      ),
    );
  }

  handle(message: SlotRequest): void {
    switch (message.type) {
      case "slot-acquire": {
        const ac = new AbortController();
        this.#waiting.set(message.req, ac);
        this.pool.acquire(message.image, ac.signal).then(
          (url) => {
            this.#waiting.delete(message.req);
            if (this.#closed) return this.pool.release(url);
            this.#held.set(url, (this.#held.get(url) ?? 0) + 1);
            this.reply({ type: "slot", req: message.req, url });
          },
          (error: Error) => {
            this.#waiting.delete(message.req);
            if (!ac.signal.aborted) {
              this.reply({ type: "slot-error", req: message.req, message: error.message });
            }
          },
        );
        return;
      }
      case "slot-cancel":
        this.#waiting.get(message.req)?.abort();
        return;
      case "slot-release": {
        const held = this.#held.get(message.url) ?? 0;
        if (held <= 0) return;
        this.#held.set(message.url, held - 1);
        this.pool.release(message.url, message.image);
        return;
      }
      case "host-out": {
        const line = this.pool.takeOut(message.url, message.why);
        if (line) this.warn(line);
      }
    }
  }

  /** The child is gone: its waiting requests end and its slots go back. */
  close(): void {
    this.#closed = true;
    this.#unlisten();
    for (const ac of this.#waiting.values()) ac.abort();
    for (const [url, n] of this.#held) for (let i = 0; i < n; i++) this.pool.release(url);
    this.#held.clear();
  }
}
