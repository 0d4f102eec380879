/**
 * The two surfaces the simulation drives, typed structurally after docs/boundaries.md: the engine
 * (engine-sim's EngineModel behind a scrape adapter) and the router (router-core's Router). The
 * bench always plugs in the real classes (see `factories.ts`); tests may plug in small fakes.
 * @module
 */

export interface SimEngineRequest {
  id: string;
  promptTokens: Uint32Array;
  maxTokens: number;
  outputTokens: number;
  programId?: string;
  toolKey?: string;
  isLastStep?: boolean;
  /** The reply's token ids, when the next prompt re-uses them verbatim (non-thinking models). */
  outputTokenIds?: Uint32Array;
}

export type SimEngineEvent =
  | { type: "scheduled"; id: string; cachedTokens: number }
  | { type: "first_token"; id: string }
  | { type: "token"; id: string; count: number }
  | {
      type: "finished";
      id: string;
      reason: "stop" | "length" | "abort";
      promptTokens: number;
      completionTokens: number;
      cachedTokens: number;
    }
  | { type: "preempted"; id: string };

/** What one metrics scrape of a backend yields (router-core's BackendSnapshot). */
export interface ScrapeSnapshot {
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

export interface SimEngine {
  addRequest(req: SimEngineRequest, now: number): void;
  hasWork(): boolean;
  step(now: number): { durationS: number; events: readonly SimEngineEvent[] };
  /** The backend's /metrics as the proxy's scraper would parse it. */
  scrape(): ScrapeSnapshot;
}

export interface SimUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cachedTokens: number | null;
}

export interface SimResumed {
  requestId: string;
  programId: string;
  backend: string;
  forced: boolean;
}

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
