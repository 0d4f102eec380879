/**
 * The engine surface the simulation drives, typed structurally after docs/boundaries.md:
 * engine-sim's EngineModel behind a scrape adapter (`run-job.ts`). The router side is
 * router-core's own port, `RouterPort`, which the real Router implements and the proxy drives too.
 * @module
 */
import type { EngineEvent, EngineRequest } from "@thunderagent/engine-sim";
import type { BackendSnapshot } from "@thunderagent/router-core";

/** The engine's request and events: engine-sim's own types. */
export type SimEngineRequest = EngineRequest;
export type SimEngineEvent = EngineEvent;

/** What one metrics scrape of a backend yields: router-core's BackendSnapshot. */
export type ScrapeSnapshot = BackendSnapshot;

export interface SimEngine {
  addRequest(req: SimEngineRequest, now: number): void;
  hasWork(): boolean;
  step(now: number): { durationS: number; events: readonly SimEngineEvent[] };
  /** The backend's /metrics as the proxy's scraper would parse it. */
  scrape(): ScrapeSnapshot;
}
