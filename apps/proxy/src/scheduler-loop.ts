/**
 * The timers of the app: the scheduler tick (metrics refreshed first when the mode's policy says so), periodic metrics
 * polling (`--metrics`), and backend health checks. Each run is skipped while the previous one is
 * still going, so a slow backend never piles up scrapes.
 * @module
 */
import { routerModePolicy } from "@thunderagent/router-core";
import type { ProxyContext } from "./context.js";
import { noteTick } from "./dashboard/attach.js";
import type { TickResult } from "./router-port.js";

export class SchedulerLoop {
  readonly #timers: NodeJS.Timeout[] = [];
  #ticking = false;
  #scraping = false;
  #checking = false;
  ticks = 0;

  constructor(private readonly ctx: ProxyContext) {}

  start(): void {
    const { config } = this.ctx;
    this.#every(config.schedulerInterval, async () => void (await this.tick()));
    if (config.metrics) this.#every(config.metricsInterval, () => this.scrape());
    this.#every(config.healthInterval, () => this.checkHealth());
  }

  stop(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers.length = 0;
  }

  #every(seconds: number, fn: () => Promise<void>): void {
    const t = setInterval(() => {
      fn().catch((err: unknown) =>
        this.ctx.log.error({ err: (err as Error).message }, "scheduler loop error"),
      );
    }, seconds * 1000);
    t.unref();
    this.#timers.push(t);
  }

  async scrape(): Promise<void> {
    if (this.#scraping) return;
    this.#scraping = true;
    try {
      await this.ctx.monitor.scrapeAll();
    } finally {
      this.#scraping = false;
    }
  }

  async checkHealth(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      await this.ctx.monitor.checkHealth();
    } finally {
      this.#checking = false;
    }
  }

  /**
   * One scheduler round: refresh metrics (if the mode needs them fresh), tick, hand out what the
   * tick decided. Skipped (null) while the previous one runs or a weight sync is active.
   */
  async tick(): Promise<TickResult | null> {
    if (this.#ticking) return null;
    if (this.ctx.weightSync.active) {
      this.ctx.weightSync.skippedTicks++;
      return null;
    }
    this.#ticking = true;
    try {
      if (routerModePolicy(this.ctx.config.router).freshMetricsBeforeTick) await this.scrape();
      const result = this.ctx.router.tick(this.ctx.now());
      this.ticks++;
      this.apply(result);
      return result;
    } finally {
      this.#ticking = false;
    }
  }

  apply(result: TickResult): void {
    const { ctx } = this;
    noteTick(ctx, result);
    ctx.resume(result.resumed);
    for (const r of result.reclaimed) {
      ctx.log.info({ programId: r.programId }, "reclaimed abandoned program");
      if (r.dockerIds.length > 0) ctx.removeContainers(r.programId, r.dockerIds);
    }
    if (result.paused.length + result.restored.length + result.marked.length > 0) {
      ctx.log.debug(
        {
          paused: result.paused.length,
          marked: result.marked.length,
          restored: result.restored.length,
          migrated: result.restored.filter((r) => r.from !== null && r.from !== r.backend).length,
        },
        "scheduler tick",
      );
    }
  }
}
