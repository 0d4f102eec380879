/**
 * What every route shares: the frozen config, the Router, the upstream pools, the waiters, the
 * backend monitor, the CSV writer, the container remover, the clock and the proxy's own counters.
 * @module
 */
import type { Logger } from "pino";
import type { BackendMonitor } from "./backend-monitor.js";
import type { ProxyConfig } from "./config.js";
import type { ContainerRemover } from "./docker-gc.js";
import type { ProfileWriter } from "./profile-writer.js";
import type { RouterPort } from "./router-port.js";
import type { Upstreams } from "./upstream/upstreams.js";
import type { Waiters } from "./waiters.js";
import type { WeightSync } from "./weight-sync/weight-sync.js";

/** Counters of the proxy itself (the Router keeps the scheduling ones). */
export interface ProxyCounters {
  /**
   * Data-plane requests accepted and streams opened, by wire format (`chat`, `messages`, …): the
   * routes that have served a request, in the order of their first.
   */
  byRoute: Map<string, RouteCounts>;
  inflight: number;
  upstreamErrors: number;
  upstreamStatusErrors: number;
  clientAborts: number;
  streamErrors: number;
  rejectedRequests: number;
  bytesStreamed: number;
  /** Requests waiting for a healthy backend now (--wait-for-backend). */
  waitingForBackend: number;
  /** 503s for --max-waiting / --max-programs, and for no healthy backend. */
  overloaded: number;
  unavailable: number;
  /** Upstream attempts repeated on a backend before the first byte reached the client. */
  retries: number;
}

/** One route's counts, made once where the route is registered and handed to each request. */
export interface RouteCounts {
  requests: number;
  streams: number;
}

/** One request accepted on `route`; its first lists the route in `byRoute`. */
export function countRequest(counters: ProxyCounters, route: string, counts: RouteCounts): void {
  if (counts.requests++ === 0) counters.byRoute.set(route, counts);
}

export function newCounters(): ProxyCounters {
  return {
    byRoute: new Map(),
    inflight: 0,
    upstreamErrors: 0,
    upstreamStatusErrors: 0,
    clientAborts: 0,
    streamErrors: 0,
    rejectedRequests: 0,
    bytesStreamed: 0,
    waitingForBackend: 0,
    overloaded: 0,
    unavailable: 0,
    retries: 0,
  };
}

export interface ProxyContext {
  config: ProxyConfig;
  router: RouterPort;
  upstreams: Upstreams;
  waiters: Waiters;
  /** An RL trainer's weight broadcast: new requests wait and ticks are skipped while active. */
  weightSync: WeightSync;
  monitor: BackendMonitor;
  profile: ProfileWriter | null;
  containers: ContainerRemover | null;
  log: Logger;
  /** Unix time in seconds (what the Router is given). */
  now: () => number;
  counters: ProxyCounters;
  /** Fire-and-forget work (container removal) the shutdown waits for. */
  background: Set<Promise<unknown>>;
  /** Requests resumed by the scheduler or a release: hand each to its waiter. */
  resume(resumed: ReadonlyArray<{ requestId: string; backend: string }>): void;
  /** Removes a program's containers in the background (logged, never thrown). */
  removeContainers(programId: string, ids: readonly string[]): void;
}
