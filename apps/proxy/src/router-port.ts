/**
 * The part of router-core's `Router` the proxy drives (docs/boundaries.md): router-core's
 * `RouterPort`, re-exported with the types that cross it. Production and the tests pass the real
 * `Router` (see create-router.ts).
 * @module
 */
export type {
  ArriveDecision,
  ArriveInput,
  BackendSnapshot,
  ReleaseResult,
  ResumedRequest,
  RouterPort,
  RouterStats,
  TickResult,
  Usage,
} from "@thunderagent/router-core";
