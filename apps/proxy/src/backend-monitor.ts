/**
 * Watching the backends: `GET /health` for liveness and `/metrics` (plus SGLang's
 * `/get_server_info`) for capacity and load, parsed by router-core's parsers and fed to the Router.
 * @module
 */
import type { Logger } from "pino";
import type { ProxyConfig } from "./config.js";
import type { BackendSnapshot, MetricsParsers, RouterPort } from "./router-port.js";
import type { Upstreams } from "./upstream.js";

const CONTROL_TIMEOUT_S = 5;

export class BackendMonitor {
  readonly #healthy = new Map<string, boolean>();
  readonly #scraped = new Set<string>();
  scrapeFailures = 0;

  constructor(
    private readonly config: Pick<ProxyConfig, "backends" | "backendType">,
    private readonly upstreams: Upstreams,
    private readonly router: RouterPort,
    private readonly parsers: MetricsParsers,
    private readonly log: Logger,
    private readonly clock: () => number,
  ) {
    for (const b of config.backends) this.#healthy.set(b, true);
  }

  isHealthy(url: string): boolean {
    return this.#healthy.get(url) ?? false;
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
    const was = this.#healthy.get(url);
    this.#healthy.set(url, ok);
    if (was !== ok) {
      this.log[ok ? "info" : "warn"]({ backend: url }, ok ? "backend healthy" : "backend down");
      this.router.setBackendHealth(url, ok, this.clock());
      if (ok) this.#scraped.delete(url); // re-read capacity after a restart
    }
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

  async #fetchSnapshot(url: string): Promise<BackendSnapshot> {
    switch (this.config.backendType) {
      case "vllm":
        return this.parsers.vllm(await this.#getText(url, "/metrics"));
      case "sglang": {
        const [metrics, info] = await Promise.all([
          this.#getText(url, "/metrics"),
          this.#getText(url, "/get_server_info").then(
            (t) => JSON.parse(t) as unknown,
            () => null,
          ),
        ]);
        return this.parsers.sglang(metrics, info);
      }
      case "skyrl":
        return this.parsers.skyrl(JSON.parse(await this.#getText(url, "/metrics")) as unknown);
    }
  }
}
