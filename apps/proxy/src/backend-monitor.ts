/**
 * Watching the backends: `GET /health` for liveness, and for capacity and load what the backend
 * type's record (router-core's `BACKEND_TYPES`) says to fetch, parsed by the record and fed to the
 * Router.
 * @module
 */
import { backendType, type BackendType, type FetchedBodies } from "@thunderagent/router-core";
import type { Logger } from "pino";
import type { ProxyConfig } from "./config.js";
import type { BackendSnapshot, RouterPort } from "./router-port.js";
import { CircuitBreakers } from "./reliability/circuit-breaker.js";
import type { Upstreams } from "./upstream/upstreams.js";

const CONTROL_TIMEOUT_S = 5;

export class BackendMonitor {
  /** What the last `/health` probe said. */
  readonly #probeOk = new Map<string, boolean>();
  /** Probe ok and breaker not open: what routing and the Router see. */
  readonly #healthy = new Map<string, boolean>();
  readonly #scraped = new Set<string>();
  readonly #type: BackendType;
  readonly #listeners = new Set<() => void>();
  readonly breakers: CircuitBreakers;
  scrapeFailures = 0;

  constructor(
    private readonly config: Pick<ProxyConfig, "backends" | "backendType"> &
      Partial<Pick<ProxyConfig, "breakerFailures" | "breakerCooldown">>,
    private readonly upstreams: Upstreams,
    private readonly router: RouterPort,
    private readonly log: Logger,
    private readonly clock: () => number,
  ) {
    for (const b of config.backends) {
      this.#probeOk.set(b, true);
      this.#healthy.set(b, true);
    }
    this.#type = backendType(config.backendType);
    this.breakers = new CircuitBreakers(
      config.breakerFailures ?? 5,
      config.breakerCooldown ?? 10,
      clock,
    );
  }

  isHealthy(url: string): boolean {
    return this.#healthy.get(url) ?? false;
  }

  healthyCount(): number {
    let n = 0;
    for (const ok of this.#healthy.values()) if (ok) n++;
    return n;
  }

  /** Calls `fn` after every change of a backend's health; returns the unsubscribe. */
  onChange(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /**
   * A data-plane call to `url` ended: `ok` (it answered) or not (connection error, 502/503).
   * Feeds the backend's circuit breaker; an opened breaker takes the backend out of routing until
   * its cool-down ends (then it is half-open and the next call decides).
   */
  recordOutcome(url: string, ok: boolean): void {
    const changed = ok ? this.breakers.success(url) : this.breakers.failure(url);
    if (!changed) return;
    if (!ok) {
      this.log.warn({ backend: url, cooldownS: this.breakers.cooldownS }, "circuit breaker open");
      const t = setTimeout(() => this.#apply(url), this.breakers.cooldownS * 1000 + 1);
      t.unref();
    }
    this.#apply(url);
  }

  /** The backends in configuration order, healthy ones first. */
  healthyFirst(): string[] {
    const list = [...this.config.backends];
    return [...list.filter((b) => this.isHealthy(b)), ...list.filter((b) => !this.isHealthy(b))];
  }

  /** One health probe of every backend; reports transitions to the Router. */
  async checkHealth(): Promise<void> {
    await Promise.all(
      this.config.backends.map(async (url) => {
        let ok = false;
        try {
          const res = await this.upstreams.request(url, {
            method: "GET",
            path: "/health",
            timeoutS: CONTROL_TIMEOUT_S,
          });
          ok = res.statusCode === 200;
        } catch {
          ok = false;
        }
        this.#setHealth(url, ok);
      }),
    );
  }

  #setHealth(url: string, ok: boolean): void {
    this.#probeOk.set(url, ok);
    this.#apply(url);
  }

  /** Recomputes `url`'s health from its probe and its breaker; tells the Router of a change. */
  #apply(url: string): void {
    const ok = (this.#probeOk.get(url) ?? false) && this.breakers.allows(url);
    const was = this.#healthy.get(url);
    this.#healthy.set(url, ok);
    if (was === ok) return;
    this.log[ok ? "info" : "warn"]({ backend: url }, ok ? "backend healthy" : "backend down");
    this.router.setBackendHealth(url, ok, this.clock());
    if (ok) this.#scraped.delete(url); // re-read capacity after a restart
    for (const fn of this.#listeners) fn();
  }

  /** Scrapes every backend's metrics into the Router; failures leave the last snapshot. */
  async scrapeAll(): Promise<void> {
    await Promise.all(this.config.backends.map((url) => this.scrape(url)));
  }

  /** True once every backend has been scraped successfully at least once. */
  get allScraped(): boolean {
    return this.config.backends.every((b) => this.#scraped.has(b));
  }

  async scrape(url: string): Promise<boolean> {
    try {
      const snapshot = await this.#fetchSnapshot(url);
      this.router.updateBackend(url, snapshot, this.clock());
      this.#scraped.add(url);
      return true;
    } catch (err) {
      this.scrapeFailures++;
      this.router.scrapeFailed(url, this.clock());
      this.log.debug({ backend: url, err: (err as Error).message }, "metrics scrape failed");
      return false;
    }
  }

  async #getText(url: string, path: string): Promise<string> {
    const res = await this.upstreams.request(url, {
      method: "GET",
      path,
      timeoutS: CONTROL_TIMEOUT_S,
    });
    const text = res.body.toString("utf8");
    if (res.statusCode !== 200) throw new Error(`GET ${path} answered ${res.statusCode}`);
    return text;
  }

  /** Fetches what the backend type's record lists (optional paths may fail) and parses it. */
  async #fetchSnapshot(url: string): Promise<BackendSnapshot> {
    const bodies: FetchedBodies = Object.fromEntries(
      await Promise.all(
        this.#type.fetch.map(async ({ path, required }) => {
          const body = required
            ? await this.#getText(url, path)
            : await this.#getText(url, path).catch(() => null);
          return [path, body] as const;
        }),
      ),
    );
    return this.#type.parse(bodies);
  }
}
