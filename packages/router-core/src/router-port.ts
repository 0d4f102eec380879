/**
 * The router as its drivers see it (docs/boundaries.md): the proxy (`apps/proxy`) and the
 * virtual-time simulation (`apps/bench`, `bench:sched`) both drive a `RouterPort`, and both plug
 * in the real {@link Router}, which implements it. Pure, like the rest of router-core: time is
 * the `now` argument (seconds), waiting is data.
 * @module
 */
import type {
  HealthResponse,
  MetricsResponse,
  ProgramProfileSummary,
  ProgramsResponse,
  ProfilesResponse,
} from "@thunderagent/protocol";
import type { RouterStats } from "./stats.js";
import type { RouterOptions } from "./options.js";
import type {
  ArriveDecision,
  ArriveInput,
  BackendSnapshot,
  ReleaseResult,
  StepProfileRow,
  TickResult,
  Usage,
} from "./types.js";

export interface RouterPort {
  readonly options: Readonly<RouterOptions>;

  // ---- backends ----
  /** Records a metrics scrape. Unknown URLs are ignored. */
  updateBackend(url: string, snapshot: BackendSnapshot, now: number): void;
  /** Records a failed metrics scrape (health is decided separately). */
  scrapeFailed(url: string, now: number): void;
  setBackendHealth(url: string, healthy: boolean, now: number): void;

  // ---- request lifecycle ----
  /** A request arrives: forward it to a backend now, or wait (a later tick or release resumes it). */
  arrive(input: ArriveInput, now: number): ArriveDecision;
  forwarded(requestId: string, now: number): void;
  firstToken(requestId: string, now: number): void;
  streamChunk(requestId: string, now: number): void;
  complete(requestId: string, usage: Usage, now: number): StepProfileRow | null;
  fail(requestId: string, now: number): void;
  cancelPending(requestId: string, now: number): void;
  release(programId: string, now: number): ReleaseResult;
  /** One scheduler pass: pauses, restores, and the waiting requests to forward now. */
  tick(now: number): TickResult;

  /** Whether the Router tracks `programId` (admission bounds ask before a new program arrives). */
  hasProgram(programId: string): boolean;
  /** How many programs the Router tracks. */
  programCount(): number;

  // ---- views ----
  programsView(): ProgramsResponse;
  /** `programsView()` one `[id, info]` entry at a time, lazily. */
  programEntries(): Iterable<[string, ProgramsResponse[string]]>;
  healthView(): HealthResponse;
  metricsView(opts: {
    metricsEnabled: boolean;
    metricsInterval: number | null;
    now: number;
  }): MetricsResponse;
  profilesView(): ProfilesResponse;
  profileView(programId: string): ProgramProfileSummary | undefined;
  /** The counters and state; the waits are measured at `now` (else at the last tick). */
  stats(now?: number): RouterStats;
}
