/**
 * The part of router-core's `Router` the proxy drives (docs/boundaries.md), as a structural type.
 * Production and the tests pass the real `Router` (see create-router.ts).
 * @module
 */
import type { Router } from "@thunderagent/router-core";

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
