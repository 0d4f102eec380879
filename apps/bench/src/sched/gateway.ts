/**
 * How an agent's LLM call reaches an engine. `DirectGateway` is plain vLLM (the agent talks to
 * the engine; with several replicas each program is pinned to one). `RouterGateway` puts
 * router-core's Router in between and calls it exactly as the proxy does: arrive → forwarded →
 * firstToken → streamChunk per SSE chunk → complete(usage); release when the program ends; a
 * metrics scrape of every backend and then tick() every scheduler interval. With several routers
 * (one per backend) programs are pinned round-robin: sticky per-backend routing.
 * @module
 */
import type { ResumedRequest, RouterPort } from "@thunderagent/router-core";
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
}

interface RouterShard {
  router: RouterPort;
  /** Indices into host.backendUrls this router owns. */
  backends: number[];
}

export class RouterGateway implements Gateway {
  private readonly indexByUrl = new Map<string, number>();
  private readonly shardOfRequest = new Map<string, RouterShard>();

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

  private scrapeInto(shard: RouterShard, now: number): void {
    for (const b of shard.backends) {
      const snap = applyScrapePolicy(this.scrapePolicy, this.host.scrape(b));
      shard.router.updateBackend(this.host.backendUrls[b]!, snap, now);
    }
  }

  tick(now: number): TickCounts {
    const counts: TickCounts = { paused: 0, marked: 0, restored: 0, migrated: 0, forced: 0 };
    for (const shard of this.shards) {
      this.scrapeInto(shard, now);
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
