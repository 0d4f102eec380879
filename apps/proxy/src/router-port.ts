/**
 * The part of router-core's `Router` the proxy drives (docs/boundaries.md), as a structural type,
 * plus the backend-type specific metrics parsers. Production and the tests pass the real
 * `Router` and parsers (see create-router.ts).
 * @module
 */
import type { BackendSnapshot, Router } from "@thunderagent/router-core";

export type {
  ArriveDecision,
  ArriveInput,
  BackendSnapshot,
  ReleaseResult,
  ResumedRequest,
  RouterStats,
  TickResult,
  Usage,
} from "@thunderagent/router-core";

export type RouterPort = Pick<
  Router,
  | "updateBackend"
  | "scrapeFailed"
  | "setBackendHealth"
  | "arrive"
  | "forwarded"
  | "firstToken"
  | "streamChunk"
  | "complete"
  | "fail"
  | "cancelPending"
  | "release"
  | "tick"
  | "programsView"
  | "healthView"
  | "metricsView"
  | "profilesView"
  | "profileView"
  | "stats"
  | "options"
>;

/** Backend-type specific metrics parsing (router-core's parsers, injected). */
export interface MetricsParsers {
  vllm(text: string): BackendSnapshot;
  sglang(metricsText: string, serverInfo: unknown): BackendSnapshot;
  skyrl(json: unknown): BackendSnapshot;
}
