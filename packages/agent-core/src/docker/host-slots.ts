/**
 * Placement over several Docker hosts: each host has a slot count (none = no limit), the images
 * it is known to have (after the pre-run check, host-images.ts), its running count and whether it
 * is up. A container goes to the least-loaded host relative to its slots among the up hosts that
 * have its image (any up host when none has it, or when images are unknown); when those are all
 * full it waits for a slot rather than overfilling. A host taken out is drained: nothing new goes
 * there, waiting containers are placed elsewhere, and whoever watches the host (each environment
 * on it) is told, so that its instance starts again elsewhere; a host brought back (the runner's
 * health pings, host-health.ts) takes containers again. `chooseHost` is the pure rule; `HostPool`
 * keeps the counts and the queue for one process (the runner's, which serves `--procs` children).
 * @module
 */
import type { DockerHostEntry } from "../config/mini-config.js";
import type { HostSlots } from "../environment/environment-class.js";
import { EnvironmentError } from "../environment/environment.js";

export interface HostState {
  readonly url: string;
  readonly slots: number | undefined;
  running: number;
  up: boolean;
  /** Why it was taken out (while it is out). */
  why?: string | undefined;
  /** The images known to be on it; null = not checked (any image may be there). */
  images: Set<string> | null;
}

/**
 * The host for a container from `image`: the one with the lowest running/slots among the up
 * hosts that have the image (all up hosts when none has it) and a free slot, first in the list on
 * a tie; "wait" when those are all full; null when no host is up. A host without a count weighs
 * as much as the largest count given (all alike when none is given).
 */
export function chooseHost(hosts: readonly HostState[], image: string): HostState | "wait" | null {
  const up = hosts.filter((h) => h.up);
  if (up.length === 0) return null;
  const withImage = up.filter((h) => h.images === null || h.images.has(image));
  const fitting = withImage.length > 0 ? withImage : up;
  const weight = Math.max(1, ...hosts.map((h) => h.slots ?? 0));
  let best: HostState | null = null;
  let bestLoad = Infinity;
  for (const h of fitting) {
    if (h.slots !== undefined && h.running >= h.slots) continue;
    const load = h.running / (h.slots ?? weight);
    if (load < bestLoad) [best, bestLoad] = [h, load];
  }
  return best ?? "wait";
}

/** A host taken out (`up: false`, with why) or brought back (`up: true`). */
export interface HostChange {
  url: string;
  up: boolean;
  why: string;
}

interface Waiter {
  image: string;
  resolve: (url: string) => void;
  reject: (error: unknown) => void;
  cleanup: () => void;
}

export class HostPool implements HostSlots {
  readonly hosts: HostState[];
  readonly #waiting: Waiter[] = [];
  readonly #listeners = new Set<(change: HostChange) => void>();

  constructor(entries: readonly DockerHostEntry[]) {
    this.hosts = entries.map((e) => ({
      url: e.url,
      slots: e.slots,
      running: 0,
      up: true,
      images: null,
    }));
  }

  host(url: string): HostState {
    const h = this.hosts.find((x) => x.url === url);
    if (!h) throw new Error(`not one of the run's Docker hosts: ${url}`);
    return h;
  }

  acquire(image: string, signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { image, resolve, reject, cleanup: () => undefined };
      if (this.#grant(waiter)) return;
      const onAbort = () => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        reject(signal?.reason ?? new Error("aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      waiter.cleanup = () => signal?.removeEventListener("abort", onAbort);
      this.#waiting.push(waiter);
    });
  }

  release(url: string, image?: string): void {
    const h = this.host(url);
    h.running = Math.max(0, h.running - 1);
    if (image && h.images) h.images.add(image);
    this.#wake();
  }

  takeOut(url: string, why: string): string | null {
    const h = this.host(url);
    if (!h.up) return null;
    h.up = false;
    h.why = why;
    this.#wake();
    this.#emit({ url, up: false, why });
    const left = this.#upUrls();
    return `docker host ${url} taken out: ${why}; ${left.length} left${left.length ? ` (${left.join(", ")})` : ""}`;
  }

  /** Takes a drained host back in (it answers again); the line to log, null when it was in. */
  bringBack(url: string, why: string): string | null {
    const h = this.host(url);
    if (h.up) return null;
    h.up = true;
    h.why = undefined;
    this.#emit({ url, up: true, why });
    this.#wake();
    const up = this.#upUrls();
    return `docker host ${url} back in: ${why}; ${up.length} up (${up.join(", ")})`;
  }

  watch(url: string, onOut: (why: string) => void): () => void {
    const h = this.host(url);
    if (!h.up) {
      const why = h.why ?? "taken out";
      queueMicrotask(() => onOut(why));
      return () => undefined;
    }
    const listener = (c: HostChange) => {
      if (c.url !== url || c.up) return;
      this.#listeners.delete(listener);
      onOut(c.why);
    };
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every host taken out or brought back, until the returned function is called. */
  onChange(listener: (change: HostChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(change: HostChange): void {
    for (const l of [...this.#listeners]) l(change);
  }

  #upUrls(): string[] {
    return this.hosts.filter((x) => x.up).map((x) => x.url);
  }

  /** What the pre-run check found on a host. */
  setImages(url: string, images: Iterable<string>): void {
    this.host(url).images = new Set(images);
  }

  /** Places the waiter (or fails it when no host is left); false when it has to wait. */
  #grant(w: Waiter): boolean {
    const h = chooseHost(this.hosts, w.image);
    if (h === "wait") return false;
    w.cleanup();
    if (h === null) {
      const all = this.hosts.map((x) => x.url).join(", ");
      w.reject(new EnvironmentError(`no Docker host left (all of ${all} failed)`));
    } else {
      h.running++;
      w.resolve(h.url);
    }
    return true;
  }

  #wake(): void {
    for (const w of [...this.#waiting]) {
      if (this.#grant(w)) this.#waiting.splice(this.#waiting.indexOf(w), 1);
    }
  }
}

const pools = new Map<string, HostPool>();

/** This process's pool for one run's hosts (one per run, so counts hold across its instances). */
export function hostPool(runId: string, entries: readonly DockerHostEntry[]): HostPool {
  const key = JSON.stringify([runId, entries.map((e) => [e.url, e.slots ?? null])]);
  let pool = pools.get(key);
  if (!pool) {
    pool = new HostPool(entries);
    pools.set(key, pool);
  }
  return pool;
}
