/**
 * The router's state and the primitive transitions every policy goes through (attach, pause,
 * restore, settle, release), so the per-backend sums, the paused queue and the request table stay
 * consistent whatever sequence of events arrives. The Router facade (router.ts) drives it.
 * @module
 */
import { BackendState } from "./backend-state.js";
import { RouterCoreError } from "./errors.js";
import { activeTokens, type CapacityParams, remainingCapacity } from "./capacity.js";
import { Histogram, PAUSE_TIME_BUCKETS } from "./histogram.js";
import { ProgramQueue } from "./program-queue.js";
import { createProgram, type Program, type RequestRecord } from "./program.js";
import type { ModePolicy } from "./modes/mode-policy.js";
import { gateOff, takesPrograms } from "./policy/backend-gate.js";
import { notePause } from "./policy/victim-penalty.js";
import { routerModePolicy } from "./modes/registry.js";
import { ProfileAccumulator } from "./step-profile.js";
import { TokenEstimator } from "./token-estimator.js";
import type { RouterOptions } from "./options.js";
import type { ResumedRequest } from "./types.js";

/** Monotonic counters (Prometheus `_total` series). */
export interface RouterCounters {
  /** Active programs moved to the paused queue (by the pause policy, a mark, or a sick backend). */
  pauses: number;
  /** Reasoning programs marked for pause. */
  marks: number;
  /** Paused programs restored by the restore policy. */
  restores: number;
  /** Restores (or forced resumes) onto another backend than the one paused from. */
  migrations: number;
  /** Programs forced through after forceResumeAfterS (capacity ignored). */
  forcedResumes: number;
  /** Abandoned programs released by a tick. */
  reclaimed: number;
  /** Programs released by release(). */
  released: number;
  /** Requests that reached the scheduler (arrive() calls). */
  requests: number;
  /** Requests that completed with usage. */
  completedRequests: number;
  /** Requests that failed upstream or were aborted mid-stream (fail()). */
  failedRequests: number;
  promptTokens: number;
  completionTokens: number;
  /** New programs queued instead of admitted. */
  queuedNew: number;
  /** Restores (or forced resumes) onto the backend paused from (policy/resume-placement.ts). */
  originResumes: number;
  /** Acting programs whose lease expired (policy/acting-lease.ts). */
  leaseExpiries: number;
  /** Acting programs the wait guard swapped out, and overdue programs it brought in. */
  guardSwaps: number;
  guardRestores: number;
}

export class RouterState {
  readonly opts: RouterOptions;
  /** The policy of `opts.mode` (modes/registry.ts). */
  readonly mode: ModePolicy;
  readonly cap: CapacityParams;
  readonly backends = new Map<string, BackendState>();
  readonly backendList: BackendState[];
  readonly programs = new Map<string, Program>();
  /** Paused programs, in the order they were paused (ties in the policies keep this order). */
  readonly queue = new ProgramQueue<Program>();
  readonly requests = new Map<string, RequestRecord>();
  /** The subset of `requests` waiting for a restore. */
  readonly pendingRequests = new Map<string, RequestRecord>();
  readonly estimator: TokenEstimator;
  /** Programs created so far (each program's `seq`). */
  #created = 0;
  /** No program can be abandoned before this time (see tick.ts, reclaimAbandoned). */
  nextReclaimCheck = Number.NEGATIVE_INFINITY;
  /** No acting lease can expire before this time (policy/acting-lease.ts). */
  nextLeaseCheck = Number.NEGATIVE_INFINITY;
  /** The time of the last tick (RouterStats' waits when stats() gets no time). */
  lastTickAt = Number.NEGATIVE_INFINITY;
  readonly pauseTime = new Histogram(PAUSE_TIME_BUCKETS);
  readonly counters: RouterCounters = {
    pauses: 0,
    marks: 0,
    restores: 0,
    migrations: 0,
    forcedResumes: 0,
    reclaimed: 0,
    released: 0,
    requests: 0,
    completedRequests: 0,
    failedRequests: 0,
    promptTokens: 0,
    completionTokens: 0,
    queuedNew: 0,
    originResumes: 0,
    leaseExpiries: 0,
    guardSwaps: 0,
    guardRestores: 0,
  };

  constructor(opts: RouterOptions, backends: readonly string[]) {
    if (backends.length === 0) {
      throw new RouterCoreError("no_backends", "router-core: at least one backend is required");
    }
    this.opts = opts;
    this.mode = routerModePolicy(opts.mode);
    this.cap = {
      actingTokenWeight: opts.actingTokenWeight,
      bufferPerProgram: opts.bufferPerProgram,
      actingDecayBase: opts.actingDecayBase ?? 2,
      actingDecay: opts.actingDecay ?? "weighted",
    };
    for (const url of backends) {
      if (!this.backends.has(url)) this.backends.set(url, new BackendState(url));
    }
    this.backendList = [...this.backends.values()];
    this.estimator = new TokenEstimator(opts.initialCharsPerToken);
  }

  getOrCreateProgram(id: string, now: number): Program {
    let p = this.programs.get(id);
    if (!p) {
      const profile = this.opts.profile ? new ProfileAccumulator() : null;
      p = createProgram(id, now, profile, this.#created++);
      this.programs.set(id, p);
    }
    return p;
  }

  /** Re-syncs `p`'s contribution to its backend's sums after a change of tokens/status/mark. */
  touch(p: Program): void {
    if (p.account.attached && p.backend !== null) this.backends.get(p.backend)?.refresh(p);
  }

  setTokens(p: Program, tokens: number): void {
    p.totalTokens = tokens > 0 && Number.isFinite(tokens) ? Math.floor(tokens) : 0;
    this.touch(p);
  }

  attach(p: Program, url: string): void {
    const b = this.backends.get(url);
    if (!b) throw new RouterCoreError("unknown_backend", `router-core: unknown backend ${url}`);
    this.detach(p);
    p.backend = url;
    b.attach(p);
  }

  detach(p: Program): void {
    if (p.backend !== null) this.backends.get(p.backend)?.detach(p);
    p.backend = null;
  }

  /** Takes an active program off its backend into the paused queue. */
  pause(p: Program, now: number): void {
    const origin = p.backend;
    this.unmark(p);
    this.detach(p);
    p.originBackend = origin;
    p.state = "paused";
    p.pausedAt = now;
    p.pausedTokens = p.totalTokens;
    this.queue.push(p);
    if (origin !== null) {
      this.counters.pauses++;
      notePause(p, now, this.opts.victimMemoryS);
    } else this.counters.queuedNew++;
  }

  /** Marks a reasoning program for pause (it pauses when its requests end). */
  mark(p: Program): void {
    p.markedForPause = true;
    const b = p.backend !== null ? this.backends.get(p.backend) : undefined;
    if (b) b.futurePausedCounter += p.totalTokens;
    this.touch(p);
    this.counters.marks++;
  }

  /** Ends a mark; the original's counter drops by the program's tokens now, clamped at 0. */
  unmark(p: Program): void {
    if (!p.markedForPause) return;
    p.markedForPause = false;
    const b = p.backend !== null ? this.backends.get(p.backend) : undefined;
    if (b) b.futurePausedCounter = Math.max(0, b.futurePausedCounter - p.totalTokens);
    this.touch(p);
  }

  /** Registers a paused program on `url` and releases its pending requests to it. */
  restore(p: Program, url: string, now: number, forced: boolean, out: ResumedRequest[]): void {
    this.queue.delete(p);
    p.state = "active";
    p.pausedAt = null;
    p.residentSince = now;
    const from = p.originBackend;
    p.originBackend = null;
    this.attach(p, url);
    if (forced) this.counters.forcedResumes++;
    else this.counters.restores++;
    if (from !== null && from !== url) this.counters.migrations++;
    else if (from !== null) this.counters.originResumes++;
    this.releasePending(p, url, now, forced, out);
  }

  /** Moves every pending request of `p` in flight towards `url`. */
  releasePending(
    p: Program,
    url: string,
    now: number,
    forced: boolean,
    out: ResumedRequest[],
  ): void {
    if (p.pendingCount === 0) return;
    for (const reqId of p.pending) {
      const rec = this.requests.get(reqId);
      this.pendingRequests.delete(reqId);
      if (!rec) continue;
      rec.phase = "in_flight";
      rec.backend = url;
      rec.resumedAt = now;
      p.inFlight++;
      this.pauseTime.observe(now - rec.arrivedAt);
      out.push({ requestId: reqId, programId: p.id, backend: url, forced });
    }
    p.pending.clear();
    p.pendingCount = 0;
  }

  /**
   * After a request ends or is cancelled: with nothing in flight or waiting the program acts
   * (tool time); a program marked for pause pauses now.
   */
  settle(p: Program, now: number): void {
    if (p.state === "terminated") return;
    if (p.inFlight === 0 && p.pendingCount === 0 && p.status === "reasoning") {
      p.status = "acting";
      p.actingSince = now;
      this.touch(p);
    }
    if (p.markedForPause && p.inFlight === 0 && p.state === "active") {
      this.pause(p, now);
    }
  }

  /** Removes a program from everything; its pending requests go to the least-loaded backend. */
  release(p: Program, now: number, resumed: ResumedRequest[]): string[] {
    this.unmark(p);
    this.detach(p);
    this.queue.delete(p);
    this.programs.delete(p.id);
    p.state = "terminated";
    if (p.pendingCount > 0) {
      const to =
        this.opts.releasedRequestsTo === "first"
          ? this.backendList[0]!.url
          : this.leastLoadedByCount();
      this.releasePending(p, to, now, false, resumed);
    }
    return [...p.dockerIds];
  }

  healthyBackends(): BackendState[] {
    return this.backendList.filter((b) => b.healthy);
  }

  /** The default router's choice: fewest programs among healthy backends (else among all). */
  leastLoadedByCount(): string {
    let best: BackendState | null = null;
    for (const b of this.backendList) {
      if (!b.healthy) continue;
      if (best === null || b.programCount < best.programCount) best = b;
    }
    return (best ?? this.backendList[0]!).url;
  }

  /**
   * tr admission: the healthy backend with the fewest active tokens that has room and takes
   * programs (policy/backend-gate.ts), or null.
   */
  admissionBackend(tokens: number): string | null {
    const need = tokens + this.opts.bufferPerProgram;
    let best: BackendState | null = null;
    let bestActive = Number.POSITIVE_INFINITY;
    const gated = !gateOff(this.opts);
    for (const b of this.backendList) {
      if (!b.healthy) continue;
      if (remainingCapacity(b, this.cap) < need) continue;
      if (gated && !takesPrograms(b, this.opts)) continue;
      const active = activeTokens(b, this.opts.actingTokenWeight);
      if (active < bestActive) {
        best = b;
        bestActive = active;
      }
    }
    return best ? best.url : null;
  }
}
