/**
 * The two surfaces the simulation drives, typed structurally after docs/boundaries.md: the engine
 * (engine-sim's EngineModel behind a scrape adapter) and the router (router-core's Router). The
 * bench always plugs in the real classes (see `factories.ts`); tests may plug in small fakes.
 * @module
 */
import type { EngineEvent, EngineRequest } from "@thunderagent/engine-sim";
import type { BackendSnapshot, ResumedRequest, Usage } from "@thunderagent/router-core";

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

export type SimUsage = Usage;
export type SimResumed = ResumedRequest;

export interface SimTickResult {
  resumed: SimResumed[];
  paused: string[];
  marked: string[];
  restored: Array<{ programId: string; backend: string; from: string | null }>;
}

export interface SimRouter {
  updateBackend(url: string, snapshot: ScrapeSnapshot, now: number): void;
  arrive(
    input: { requestId: string; programId: string; payloadChars: number },
    now: number,
  ): { kind: "forward"; backend: string } | { kind: "wait" };
  forwarded(requestId: string, now: number): void;
  firstToken(requestId: string, now: number): void;
  streamChunk(requestId: string, now: number): void;
  complete(requestId: string, usage: SimUsage, now: number): unknown;
  release(programId: string, now: number): { resumed: SimResumed[] };
  tick(now: number): SimTickResult;
}
