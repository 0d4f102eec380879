/**
 * The request lifecycle as the proxy drives it: arrive → (wait →) forwarded → firstToken →
 * streamChunk… → complete | fail; or arrive → wait → cancelPending. Each function is O(1) apart
 * from the backend scan at admission (O(backends)).
 * @module
 */
import { RouterCoreError } from "./errors.js";
import { noteToolTime, renewLease } from "./policy/acting-lease.js";
import { recordService } from "./policy/attained-service.js";
import { observeUsage, requestTokens } from "./policy/program-estimate.js";
import type { Program, RequestRecord } from "./program.js";
import type { RouterState } from "./router-state.js";
import { buildStepRow } from "./step-profile.js";
import type { ArriveDecision, ArriveInput, StepProfileRow, Usage } from "./types.js";

export function arrive(s: RouterState, input: ArriveInput, now: number): ArriveDecision {
  if (s.requests.has(input.requestId)) {
    throw new RouterCoreError(
      "duplicate_request",
      `router-core: request id ${input.requestId} is already in use`,
    );
  }
  s.counters.requests++;
  const p = s.getOrCreateProgram(input.programId, now);
  p.lastActivity = now;
  p.stepCount++;
  const chars = input.payloadChars > 0 ? Math.floor(input.payloadChars) : 0;
  p.contextChars = chars;
  if (input.dockerIds) for (const d of input.dockerIds) p.dockerIds.add(d);
  const toolCallS = p.lastResponseEnd !== null ? Math.max(0, now - p.lastResponseEnd) : 0;
  if (p.lastResponseEnd !== null && p.status === "acting") noteToolTime(p, toolCallS);
  p.status = "reasoning";
  p.actingSince = null;
  renewLease(p);
  // Also re-syncs the status change and the renewed lease.
  s.setTokens(p, requestTokens(s.opts.tokenEstimate, s.estimator, p, chars));

  const rec: RequestRecord = {
    id: input.requestId,
    program: p,
    step: p.stepCount,
    chars,
    arrivedAt: now,
    toolCallS,
    phase: "pending",
    backend: null,
    resumedAt: null,
    forwardedAt: null,
    firstTokenAt: null,
    chunks: 0,
  };
  s.requests.set(rec.id, rec);

  return s.mode.admit(s, p, now) === "forward" ? forward(p, rec) : wait(s, p, rec);
}

function forward(p: Program, rec: RequestRecord): ArriveDecision {
  rec.phase = "in_flight";
  rec.backend = p.backend!;
  p.inFlight++;
  return { kind: "forward", backend: rec.backend };
}

function wait(s: RouterState, p: Program, rec: RequestRecord): ArriveDecision {
  p.pending.add(rec.id);
  p.pendingCount = p.pending.size;
  s.pendingRequests.set(rec.id, rec);
  return { kind: "wait" };
}

export function forwarded(s: RouterState, requestId: string, now: number): void {
  const rec = s.requests.get(requestId);
  if (rec && rec.phase === "in_flight" && rec.forwardedAt === null) rec.forwardedAt = now;
}

export function firstToken(s: RouterState, requestId: string, now: number): void {
  const rec = s.requests.get(requestId);
  if (rec && rec.phase === "in_flight" && rec.firstTokenAt === null) rec.firstTokenAt = now;
}

export function streamChunk(s: RouterState, requestId: string, now: number): void {
  const rec = s.requests.get(requestId);
  if (!rec || rec.phase !== "in_flight") return;
  if (rec.firstTokenAt === null) rec.firstTokenAt = now;
  rec.chunks++;
  const every = s.opts.streamUpdateEveryChunks;
  if (every > 0 && rec.chunks % every === 0 && rec.program.state !== "terminated") {
    s.setTokens(rec.program, rec.program.totalTokens + every);
  }
}

export function complete(
  s: RouterState,
  requestId: string,
  usage: Usage,
  now: number,
): StepProfileRow | null {
  const rec = s.requests.get(requestId);
  if (!rec) return null;
  if (rec.phase === "pending") {
    cancelPending(s, requestId, now);
    return null;
  }
  s.requests.delete(requestId);
  const p = rec.program;
  s.counters.completedRequests++;
  s.counters.promptTokens += finiteOrZero(usage.promptTokens);
  s.counters.completionTokens += finiteOrZero(usage.completionTokens);
  s.estimator.observe(rec.chars, usage.promptTokens);
  const row = s.opts.profile
    ? buildStepRow({
        programId: p.id,
        step: rec.step,
        arrivedAt: rec.arrivedAt,
        forwardedAt: rec.forwardedAt ?? rec.resumedAt,
        firstTokenAt: rec.firstTokenAt,
        completedAt: now,
        toolCallS: rec.toolCallS,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        cachedTokens: usage.cachedTokens,
      })
    : null;
  if (p.state === "terminated") return row;
  p.lastActivity = now;
  p.lastResponseEnd = now;
  recordService(p, rec, now);
  observeUsage(p, rec.chars, usage.promptTokens, usage.totalTokens);
  if (Number.isFinite(usage.totalTokens) && usage.totalTokens >= 0) {
    s.setTokens(p, usage.totalTokens);
  }
  p.inFlight = Math.max(0, p.inFlight - 1);
  s.settle(p, now);
  if (row && p.profile) p.profile.add(row);
  return row;
}

export function fail(s: RouterState, requestId: string, now: number): void {
  const rec = s.requests.get(requestId);
  if (!rec) return;
  if (rec.phase === "pending") {
    cancelPending(s, requestId, now);
    return;
  }
  s.requests.delete(requestId);
  s.counters.failedRequests++;
  const p = rec.program;
  if (p.state === "terminated") return;
  p.lastActivity = now;
  p.lastResponseEnd = now;
  recordService(p, rec, now);
  p.inFlight = Math.max(0, p.inFlight - 1);
  s.settle(p, now);
}

export function cancelPending(s: RouterState, requestId: string, now: number): void {
  const rec = s.requests.get(requestId);
  if (!rec) return;
  if (rec.phase === "in_flight") {
    fail(s, requestId, now);
    return;
  }
  s.requests.delete(requestId);
  s.pendingRequests.delete(requestId);
  const p = rec.program;
  p.pending.delete(requestId);
  p.pendingCount = p.pending.size;
  if (p.state === "terminated") return;
  p.lastActivity = now;
  unpark(s, p);
  s.settle(p, now);
}

/**
 * A program queued at admission (it never ran) while no backend was healthy, whose last waiting
 * request gave up (the proxy's bounded wait): it leaves the queue instead of staying parked there
 * for a backend that may never come back. Its next request arrives as a new program's would.
 */
function unpark(s: RouterState, p: Program): void {
  if (p.state !== "paused" || p.pendingCount !== 0 || p.originBackend !== null) return;
  if (s.backendList.some((b) => b.healthy)) return;
  s.queue.delete(p);
  p.state = "active";
  p.pausedAt = null;
}

function finiteOrZero(x: number): number {
  return Number.isFinite(x) && x > 0 ? x : 0;
}
