/**
 * How an agent's LLM call reaches an engine. `DirectGateway` is plain vLLM (the agent talks to
 * the engine; with several replicas each program is pinned to one). `RouterGateway` puts
 * router-core's Router in between and calls it exactly as the proxy does: arrive → forwarded →
 * firstToken → streamChunk per SSE chunk → complete(usage); release when the program ends; a
 * metrics scrape of every backend and then tick() every scheduler interval. With several routers
 * (one per backend) programs are pinned round-robin: sticky per-backend routing.
 * @module
 */
import type { ResumedRequest, Router, RouterPort } from "@thunderagent/router-core";
import { BenchError } from "../errors.js";
import type { SimEngineEvent, ScrapeSnapshot } from "./ports.js";
import { applyScrapePolicy, type ScrapePolicy } from "./scrape-policy.js";

export interface Call {
  requestId: string;
  programId: string;
  serial: number;
  payloadChars: number;
  arrivedAt: number;
  forwardedAt: number;
  backend: number;
  /** When the engine produced its first token (null until then). */
  firstTokenAt: number | null;
}

/** The router as the simulation drives it: the port, plus a program's pause count. */
export type SimRouter = RouterPort & Pick<Router, "program">;

/** router-core's own counters at the end of a run, summed over the routers. */
export interface RouterTotals {
  pauses: number;
  restores: number;
  /** Resumes (restores or forced) onto another backend than the one paused from. */
  migrations: number;
  /** Resumes onto the backend paused from. */
  originResumes: number;
  forcedResumes: number;
  leaseExpiries: number;
}

export interface GatewayHost {
  readonly backendUrls: readonly string[];
  forward(call: Call, backend: number, now: number): void;
  call(requestId: string): Call | undefined;
  scrape(backend: number): ScrapeSnapshot;
}

export interface TickCounts {
  paused: number;
  marked: number;
  restored: number;
  migrated: number;
  forced: number;
}

export interface Gateway {
  submit(call: Call, now: number): void;
  engineEvent(ev: SimEngineEvent, now: number): void;
  release(programId: string, serial: number, now: number): void;
  /** Scheduler interval in seconds, or null when nothing ticks. */
  readonly tickIntervalS: number | null;
  tick(now: number): TickCounts;
  /** How often the router paused this program so far (null without a router). */
  pauseCount(programId: string, serial: number): number | null;
  /** router-core's counters (null without a router). */
  totals(): RouterTotals | null;
  /**
   * The largest gap seen at a tick, over backends, between the reasoning programs on the router's
   * books and the requests in the engine (running + waiting); null without a router.
   */
  readonly booksGap: number | null;
}

export class DirectGateway implements Gateway {
  readonly tickIntervalS = null;

  constructor(private readonly host: GatewayHost) {}

  submit(call: Call, now: number): void {
    this.host.forward(call, call.serial % this.host.backendUrls.length, now);
  }

  engineEvent(): void {}

  release(): void {}

  tick(): TickCounts {
    return { paused: 0, marked: 0, restored: 0, migrated: 0, forced: 0 };
  }

  pauseCount(): null {
    return null;
  }

  totals(): null {
    return null;
  }

  readonly booksGap = null;
}

interface RouterShard {
  router: SimRouter;
  /** Indices into host.backendUrls this router owns. */
  backends: number[];
}

export class RouterGateway implements Gateway {
  private readonly indexByUrl = new Map<string, number>();
  private readonly shardOfRequest = new Map<string, RouterShard>();
  booksGap = 0;

  constructor(
    private readonly host: GatewayHost,
    private readonly shards: RouterShard[],
    readonly tickIntervalS: number,
    private readonly scrapePolicy: ScrapePolicy = "none",
  ) {
    host.backendUrls.forEach((u, i) => this.indexByUrl.set(u, i));
  }

  /** Initial scrape, as the proxy does at start-up before serving. */
  start(now: number): void {
    for (const s of this.shards) this.scrapeInto(s, now);
  }

  private shardFor(serial: number): RouterShard {
    return this.shards[serial % this.shards.length]!;
  }

  submit(call: Call, now: number): void {
    const shard = this.shardFor(call.serial);
    this.shardOfRequest.set(call.requestId, shard);
    const d = shard.router.arrive(
      { requestId: call.requestId, programId: call.programId, payloadChars: call.payloadChars },
      now,
    );
    if (d.kind === "forward") this.forward(shard, call.requestId, d.backend, now);
  }

  private forward(shard: RouterShard, requestId: string, url: string, now: number): void {
    const call = this.host.call(requestId);
    const backend = this.indexByUrl.get(url);
    if (!call || backend === undefined)
      throw new BenchError("unknown_request", `router resumed unknown ${requestId}@${url}`);
    shard.router.forwarded(requestId, now);
    this.host.forward(call, backend, now);
  }

  private forwardAll(shard: RouterShard, resumed: readonly ResumedRequest[], now: number): number {
    let forced = 0;
    for (const r of resumed) {
      if (r.forced) forced++;
      this.forward(shard, r.requestId, r.backend, now);
    }
    return forced;
  }

  engineEvent(ev: SimEngineEvent, now: number): void {
    const shard = this.shardOfRequest.get(ev.id);
    if (!shard) return;
    switch (ev.type) {
      case "first_token":
        shard.router.firstToken(ev.id, now);
        break;
      case "token":
        shard.router.streamChunk(ev.id, now);
        break;
      case "finished":
        this.shardOfRequest.delete(ev.id);
        shard.router.complete(
          ev.id,
          {
            promptTokens: ev.promptTokens,
            completionTokens: ev.completionTokens,
            totalTokens: ev.promptTokens + ev.completionTokens,
            cachedTokens: ev.cachedTokens,
          },
          now,
        );
        break;
      default:
        break;
    }
  }

  release(programId: string, serial: number, now: number): void {
    const shard = this.shardFor(serial);
    const res = shard.router.release(programId, now);
    this.forwardAll(shard, res.resumed, now);
  }

  private scrapeInto(shard: RouterShard, now: number): ScrapeSnapshot[] {
    return shard.backends.map((b) => {
      const snap = this.host.scrape(b);
      shard.router.updateBackend(
        this.host.backendUrls[b]!,
        applyScrapePolicy(this.scrapePolicy, snap),
        now,
      );
      return snap;
    });
  }

  /** Reasoning programs on the books vs requests in the engine, per backend, at this instant. */
  private compareBooks(shard: RouterShard, snaps: readonly ScrapeSnapshot[]): void {
    const books = shard.router.stats().backends;
    shard.backends.forEach((b, k) => {
      const url = this.host.backendUrls[b]!;
      const onBooks = books.find((x) => x.url === url)?.programs.reasoning ?? 0;
      const snap = snaps[k]!;
      const gap = Math.abs(onBooks - (snap.numRequestsRunning + snap.numRequestsWaiting));
      if (gap > this.booksGap) this.booksGap = gap;
    });
  }

  pauseCount(programId: string, serial: number): number | null {
    return this.shardFor(serial).router.program(programId)?.pauseCount ?? 0;
  }

  totals(): RouterTotals {
    const t: RouterTotals = {
      pauses: 0,
      restores: 0,
      migrations: 0,
      originResumes: 0,
      forcedResumes: 0,
      leaseExpiries: 0,
    };
    for (const s of this.shards) {
      const st = s.router.stats();
      for (const k of Object.keys(t) as Array<keyof RouterTotals>) t[k] += st[k];
    }
    return t;
  }

  tick(now: number): TickCounts {
    const counts: TickCounts = { paused: 0, marked: 0, restored: 0, migrated: 0, forced: 0 };
    for (const shard of this.shards) {
      this.compareBooks(shard, this.scrapeInto(shard, now));
      const res = shard.router.tick(now);
      counts.paused += res.paused.length;
      counts.marked += res.marked.length;
      counts.restored += res.restored.length;
      for (const r of res.restored) if (r.from !== null && r.from !== r.backend) counts.migrated++;
      counts.forced += this.forwardAll(shard, res.resumed, now);
    }
    return counts;
  }
}
