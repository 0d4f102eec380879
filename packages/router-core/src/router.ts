/**
 * The Router facade (docs/boundaries.md): the one object the proxy and the virtual-time
 * simulation drive. Pure: time is the `now` argument (seconds, float), waiting is data
 * (`arrive()` answers `{kind:"wait"}`, a later `tick()`/`release()` lists the request in
 * `resumed`), nothing here reads a clock or holds a timer.
 * @module
 */
import type {
  HealthResponse,
  MetricsResponse,
  ProgramProfileSummary,
  ProgramsResponse,
  ProfilesResponse,
} from "@thunderagent/protocol";
import * as life from "./lifecycle.js";
import type { RouterPort } from "./router-port.js";
import { RouterState } from "./router-state.js";
import { type RouterStats, routerStats } from "./stats.js";
import { tick } from "./tick.js";
import type { RouterOptions } from "./options.js";
import type {
  ArriveDecision,
  ArriveInput,
  BackendSnapshot,
  ReleaseResult,
  ResumedRequest,
  StepProfileRow,
  TickResult,
  Usage,
} from "./types.js";
import * as views from "./views.js";

/** A read-only look at one program (for tests, the dashboard and the simulation). */
export interface ProgramSnapshot {
  id: string;
  status: "reasoning" | "acting";
  state: "active" | "paused" | "terminated";
  backend: string | null;
  originBackend: string | null;
  totalTokens: number;
  contextChars: number;
  stepCount: number;
  markedForPause: boolean;
  actingSince: number | null;
  inFlight: number;
  pendingRequests: number;
  dockerIds: string[];
  /** Times it was paused while active (policy/victim-penalty.ts). */
  pauseCount: number;
  /** Its acting lease expired: its tokens are not reserved (policy/acting-lease.ts). */
  leaseExpired: boolean;
  /** Its mean tool-call time, seconds, null before one (policy/acting-lease.ts). */
  toolTimeS: number | null;
  /** Seconds its requests spent in the engine (policy/attained-service.ts). */
  serviceS: number;
  /** Its own chars-per-token ratio, null before its first usage (policy/program-estimate.ts). */
  charsPerToken: number | null;
  /** Its smoothed token growth per step, null before two usages. */
  growthPerStep: number | null;
}

export class Router implements RouterPort {
  /** @internal The state, exposed for the property tests and the benchmark. */
  readonly state: RouterState;

  constructor(options: RouterOptions, backends: readonly string[]) {
    this.state = new RouterState({ ...options }, backends);
  }

  get options(): Readonly<RouterOptions> {
    return this.state.opts;
  }

  /** The global chars-per-token ratio of the token estimate. */
  get charsPerToken(): number {
    return this.state.estimator.charsPerToken;
  }

  // ---- backends -------------------------------------------------------------------------------

  /** Records a metrics scrape. Unknown URLs are ignored. */
  updateBackend(url: string, snapshot: BackendSnapshot, now: number): void {
    const o = this.state.opts;
    this.state.backends
      .get(url)
      ?.recordSnapshot(snapshot, now, o.capacityFrom, o.kvUsageSmoothingS);
  }

  /**
   * Records a failed metrics scrape (the caller decides health separately). Only
   * `capacityFrom: "first-attempt"` reads it: a backend whose first scrape failed keeps an unknown
   * capacity for good, as the original does when it cannot read `cache_config` at start-up.
   * Unknown URLs are ignored.
   */
  scrapeFailed(url: string, _now: number): void {
    this.state.backends.get(url)?.scrapeFailed();
  }

  /**
   * Unhealthy: no new programs go there, and (tr) its programs move to the paused queue to be
   * restored elsewhere by the next tick; (default) they are re-assigned at their next request.
   */
  setBackendHealth(url: string, healthy: boolean, now: number): void {
    const s = this.state;
    const b = s.backends.get(url);
    if (!b || b.healthy === healthy) return;
    b.healthy = healthy;
    if (healthy) return;
    for (const p of [...b.programs]) {
      s.mode.backendDown(s, p, now);
    }
  }

  // ---- request lifecycle ----------------------------------------------------------------------

  arrive(input: ArriveInput, now: number): ArriveDecision {
    return life.arrive(this.state, input, now);
  }

  forwarded(requestId: string, now: number): void {
    life.forwarded(this.state, requestId, now);
  }

  firstToken(requestId: string, now: number): void {
    life.firstToken(this.state, requestId, now);
  }

  streamChunk(requestId: string, now: number): void {
    life.streamChunk(this.state, requestId, now);
  }

  complete(requestId: string, usage: Usage, now: number): StepProfileRow | null {
    return life.complete(this.state, requestId, usage, now);
  }

  fail(requestId: string, now: number): void {
    life.fail(this.state, requestId, now);
  }

  cancelPending(requestId: string, now: number): void {
    life.cancelPending(this.state, requestId, now);
  }

  release(programId: string, now: number): ReleaseResult {
    const s = this.state;
    const p = s.programs.get(programId);
    if (!p) return { released: false, dockerIds: [], resumed: [] };
    const resumed: ResumedRequest[] = [];
    const dockerIds = s.release(p, now, resumed);
    s.counters.released++;
    return { released: true, dockerIds, resumed };
  }

  tick(now: number): TickResult {
    return tick(this.state, now);
  }

  hasProgram(programId: string): boolean {
    return this.state.programs.has(programId);
  }

  programCount(): number {
    return this.state.programs.size;
  }

  // ---- views ----------------------------------------------------------------------------------

  programsView(): ProgramsResponse {
    return views.programsView(this.state);
  }

  programEntries(): Iterable<[string, ProgramsResponse[string]]> {
    return views.programEntries(this.state);
  }

  healthView(): HealthResponse {
    return views.healthView(this.state);
  }

  metricsView(opts: {
    metricsEnabled: boolean;
    metricsInterval: number | null;
    now: number;
  }): MetricsResponse {
    return views.metricsView(this.state, opts);
  }

  profilesView(): ProfilesResponse {
    return views.profilesView(this.state);
  }

  profileView(programId: string): ProgramProfileSummary | undefined {
    return views.profileView(this.state, programId);
  }

  /** Counters and gauges; the current waits are measured at `now`, else at the last tick. */
  stats(now?: number): RouterStats {
    return routerStats(this.state, now ?? this.state.lastTickAt);
  }

  /** One program's state, or undefined when unknown (released programs are forgotten). */
  program(programId: string): ProgramSnapshot | undefined {
    const p = this.state.programs.get(programId);
    if (!p) return undefined;
    return {
      id: p.id,
      status: p.status,
      state: p.state,
      backend: p.backend,
      originBackend: p.originBackend,
      totalTokens: p.totalTokens,
      contextChars: p.contextChars,
      stepCount: p.stepCount,
      markedForPause: p.markedForPause,
      actingSince: p.actingSince,
      inFlight: p.inFlight,
      pendingRequests: p.pending.size,
      dockerIds: [...p.dockerIds],
      pauseCount: p.pauseCount,
      leaseExpired: p.leaseExpired,
      toolTimeS: p.toolTimeS,
      serviceS: p.serviceS,
      charsPerToken: p.charsPerToken,
      growthPerStep: p.growthPerStep,
    };
  }
}
