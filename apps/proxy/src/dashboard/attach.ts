/**
 * The dashboard feed of an app's context, and the two places that tell it what happened: the
 * scheduler loop (each tick's result) and a release (`release-program.ts`). Kept beside the
 * context (a WeakMap) so the shared context type does not grow a field for an observer.
 * @module
 */
import type { ProxyContext } from "../context.js";
import type { TickResult } from "../router-port.js";
import { DEFAULT_FEED_OPTIONS, DashboardFeed, type FeedOptions } from "./feed.js";

const feeds = new WeakMap<ProxyContext, DashboardFeed>();

export function attachFeed(ctx: ProxyContext, opts: Partial<FeedOptions> = {}): DashboardFeed {
  const feed = new DashboardFeed(ctx.router, {
    ...DEFAULT_FEED_OPTIONS,
    metricsEnabled: ctx.config.metrics,
    metricsInterval: ctx.config.metrics ? ctx.config.metricsInterval : null,
    ...opts,
  });
  feeds.set(ctx, feed);
  return feed;
}

export function feedOf(ctx: ProxyContext): DashboardFeed | undefined {
  return feeds.get(ctx);
}

export function noteTick(ctx: ProxyContext, result: TickResult): void {
  feeds.get(ctx)?.observeTick(result, ctx.now());
}

export function noteRelease(ctx: ProxyContext, programId: string): void {
  feeds.get(ctx)?.observeRelease(programId, ctx.now());
}
