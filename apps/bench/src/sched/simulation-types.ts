/**
 * The simulation's setup and result (simulation.ts runs it).
 * @module
 */
import type { ArrivalSpec, ClientSpec } from "./clients.js";
import type { Gateway, GatewayHost, RouterTotals, TickCounts } from "./gateway.js";
import type { ExtraSummary, Window, WindowSummary } from "./metrics.js";
import type { SimEngine, SimEngineEvent } from "./ports.js";
import type { ProgramContext } from "./token-context.js";
import type { InstanceScript, ScriptSpec, WorkloadParams } from "./workload.js";

export interface SimulationSetup {
  n: number;
  seed: number;
  workload: WorkloadParams;
  engines: SimEngine[];
  backendUrls: string[];
  /** Builds the gateway once the host (this simulation) exists. */
  gateway: (host: GatewayHost) => Gateway;
  window?: Window;
  /** Virtual seconds to simulate (default: the window's end). */
  durationS?: number;
  /** Memory samples every this many seconds (default 10). */
  sampleEveryS?: number;
  /** A mix of workload classes or a trace in place of the workload's generator. */
  scripts?: ScriptSpec;
  /** Releases and groups (default: releases, no groups). */
  clients?: ClientSpec;
  /** When the agents start (default: all at t = 0). */
  arrival?: ArrivalSpec;
  /** Goodput SLO on first token − sent, seconds. */
  sloS?: number;
}

export interface MemorySample {
  t: number;
  /** Engine kv_cache_usage_perc per backend (evictable cache counts as free). */
  kvUsage: number[];
  /** Context tokens of live programs last served by each backend, ÷ a nominal capacity. */
  heldTokens: number[];
}

export interface SimulationResult extends WindowSummary {
  programsStarted: number;
  programsFinished: number;
  router: TickCounts;
  memory: MemorySample[];
  eventsProcessed: number;
  engineSteps: number;
  extra: ExtraSummary;
  /** router-core's counters, summed over routers (null without a router). */
  routerTotals: RouterTotals | null;
  /** Largest gap between reasoning programs on the router's books and requests in the engine. */
  booksGap: number | null;
}

export type Ev =
  | { kind: "step"; backend: number; events: readonly SimEngineEvent[] }
  | { kind: "agent"; agent: Agent }
  | { kind: "arrive"; agent: Agent }
  | { kind: "tick" }
  | { kind: "sample" }
  | { kind: "mark"; edge: "start" | "end" };

export interface Agent {
  index: number;
  serial: number;
  programId: string;
  script: InstanceScript;
  ctx: ProgramContext | null;
  step: number;
  phase: "env" | "llm" | "tool";
  backend: number;
  /** The reply's ids while a call is in flight (reusable-output workloads). */
  replyIds: Uint32Array | null;
}

/** An agent before its first program. */
export function newAgent(index: number): Agent {
  return {
    index,
    serial: -1,
    programId: "",
    script: { index: 0, envStartS: 0, initialPromptTokens: 0, steps: [], stepLimit: 0 },
    ctx: null,
    step: 0,
    phase: "env",
    backend: -1,
    replyIds: null,
  };
}
