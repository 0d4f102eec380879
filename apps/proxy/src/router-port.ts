/**
 * The part of router-core's `Router` the proxy drives (docs/boundaries.md), as a structural type:
 * the app takes any object of this shape, the real `Router` in production and in the tests.
 * @module
 */
import type {
  HealthResponse,
  MetricsResponse,
  ProfilesResponse,
  ProgramProfileSummary,
  ProgramsResponse,
  StepProfileRow,
} from "@thunderagent/protocol";

export interface BackendSnapshot {
  capacityTokens: number | null;
  blockSize: number | null;
  numGpuBlocks: number | null;
  kvCacheUsage: number;
  numRequestsRunning: number;
  numRequestsWaiting: number;
  prefixCacheQueries: number;
  prefixCacheHits: number;
  promptTokens: number;
  generationTokens: number;
  numPreemptions: number;
  requestsCompleted: number;
}

export interface ArriveInput {
  requestId: string;
  programId: string;
  payloadChars: number;
  dockerIds?: readonly string[];
}
export type ArriveDecision = { kind: "forward"; backend: string } | { kind: "wait" };
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cachedTokens: number | null;
}
export interface ResumedRequest {
  requestId: string;
  programId: string;
  backend: string;
  forced: boolean;
}
export interface TickResult {
  resumed: ResumedRequest[];
  paused: string[];
  marked: string[];
  restored: Array<{ programId: string; backend: string; from: string | null }>;
  reclaimed: Array<{ programId: string; dockerIds: string[] }>;
}
export interface ReleaseResult {
  released: boolean;
  dockerIds: string[];
  resumed: ResumedRequest[];
}

/** What the Prometheus exposition reads; a loose view of `Router.stats()`. */
export type RouterStatsLike = object;

export interface RouterPort {
  updateBackend(url: string, snapshot: BackendSnapshot, now: number): void;
  setBackendHealth(url: string, healthy: boolean, now: number): void;
  arrive(input: ArriveInput, now: number): ArriveDecision;
  forwarded(requestId: string, now: number): void;
  firstToken(requestId: string, now: number): void;
  streamChunk(requestId: string, now: number): void;
  complete(requestId: string, usage: Usage, now: number): StepProfileRow | null;
  fail(requestId: string, now: number): void;
  cancelPending(requestId: string, now: number): void;
  release(programId: string, now: number): ReleaseResult;
  tick(now: number): TickResult;
  programsView(): ProgramsResponse;
  healthView(): HealthResponse;
  metricsView(opts: {
    metricsEnabled: boolean;
    metricsInterval: number | null;
    now: number;
  }): MetricsResponse;
  profilesView(): ProfilesResponse;
  profileView(programId: string): ProgramProfileSummary | undefined;
  stats(): RouterStatsLike;
}

/** Backend-type specific metrics parsing (router-core's parsers, injected). */
export interface MetricsParsers {
  vllm(text: string): BackendSnapshot;
  sglang(metricsText: string, serverInfo: unknown): BackendSnapshot;
  skyrl(json: unknown): BackendSnapshot;
}
