/**
 * The virtual-time discrete-event simulation: N closed-loop agents (mini-extra swebench --workers N)
 * over the instance pool, one engine per backend stepping continuously while it has work (each
 * step's outputs exist at now + durationS), tool calls finishing at scheduled times, and the
 * router's scheduler tick. When nothing runs, time jumps to the next event.
 * @module
 */
import { BenchError } from "../errors.js";
import { EventQueue } from "./event-queue.js";
import type { Call, Gateway, GatewayHost, TickCounts } from "./gateway.js";
import {
  PAPER_WINDOW,
  RunMetrics,
  sumCounters,
  type Window,
  type WindowSummary,
} from "./metrics.js";
import type { ScrapeSnapshot, SimEngine, SimEngineEvent, SimEngineRequest } from "./ports.js";
import { ProgramContext, TokenSource, freshIds } from "./token-context.js";
import { InstancePool, type InstanceScript, type WorkloadParams } from "./workload.js";

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
}

type Ev =
  | { kind: "step"; backend: number; events: readonly SimEngineEvent[] }
  | { kind: "agent"; agent: Agent }
  | { kind: "tick" }
  | { kind: "sample" }
  | { kind: "mark"; edge: "start" | "end" };

interface Agent {
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

export function runSimulation(setup: SimulationSetup): SimulationResult {
  return new Simulation(setup).run();
}

class Simulation implements GatewayHost {
  readonly backendUrls: readonly string[];
  private readonly queue = new EventQueue<Ev>();
  private readonly busy: boolean[];
  private readonly delivering: boolean[];
  private readonly calls = new Map<string, Call>();
  private readonly callAgent = new Map<string, Agent>();
  private readonly engineReqs = new Map<string, SimEngineRequest>();
  private readonly pool: InstancePool;
  private readonly tokens: TokenSource;
  private readonly metrics: RunMetrics;
  private readonly gateway: Gateway;
  private readonly agents: Agent[] = [];
  private readonly heldByBackend: number[];
  private readonly memory: MemorySample[] = [];
  private readonly routerCounts: TickCounts = {
    paused: 0,
    marked: 0,
    restored: 0,
    migrated: 0,
    forced: 0,
  };
  private engineSteps = 0;
  private eventsProcessed = 0;

  constructor(private readonly setup: SimulationSetup) {
    this.backendUrls = setup.backendUrls;
    this.busy = setup.engines.map(() => false);
    this.delivering = setup.engines.map(() => false);
    this.heldByBackend = setup.engines.map(() => 0);
    this.pool = new InstancePool(setup.workload, setup.seed);
    this.tokens = new TokenSource(setup.workload.sharedPrefixTokens);
    this.metrics = new RunMetrics(setup.window ?? PAPER_WINDOW);
    this.gateway = setup.gateway(this);
  }

  call(requestId: string): Call | undefined {
    return this.calls.get(requestId);
  }

  scrape(backend: number): ScrapeSnapshot {
    return this.setup.engines[backend]!.scrape();
  }

  forward(call: Call, backend: number, now: number): void {
    const req = this.engineReqs.get(call.requestId);
    if (!req) {
      throw new BenchError("unknown_request", `forward of unknown request ${call.requestId}`);
    }
    this.engineReqs.delete(call.requestId);
    call.forwardedAt = now;
    call.backend = backend;
    const agent = this.callAgent.get(call.requestId);
    if (agent && agent.backend !== backend) {
      const len = agent.ctx?.length ?? 0;
      if (agent.backend >= 0) this.heldByBackend[agent.backend]! -= len;
      this.heldByBackend[backend]! += len;
      agent.backend = backend;
    }
    this.setup.engines[backend]!.addRequest(req, now);
    this.kick(backend, now);
  }

  private kick(backend: number, now: number): void {
    if (this.busy[backend] || this.delivering[backend]) return;
    const engine = this.setup.engines[backend]!;
    if (!engine.hasWork()) return;
    const { durationS, events } = engine.step(now);
    this.engineSteps++;
    this.busy[backend] = true;
    // A step that scheduled nothing (nothing fits right now): look again a little later.
    const dt = durationS > 0 || events.length > 0 ? durationS : 0.05;
    this.queue.push(now + dt, { kind: "step", backend, events });
  }

  run(): SimulationResult {
    const window = this.setup.window ?? PAPER_WINDOW;
    const end = this.setup.durationS ?? window.endS;
    const every = this.setup.sampleEveryS ?? 10;
    if (this.gateway.tickIntervalS !== null) {
      this.queue.push(this.gateway.tickIntervalS, { kind: "tick" });
    }
    this.queue.push(window.startS, { kind: "mark", edge: "start" });
    this.queue.push(Math.min(window.endS, end), { kind: "mark", edge: "end" });
    this.queue.push(0, { kind: "sample" });
    for (let i = 0; i < this.setup.n; i++) {
      const agent: Agent = {
        index: i,
        serial: -1,
        programId: "",
        script: { index: 0, envStartS: 0, initialPromptTokens: 0, steps: [] },
        ctx: null,
        step: 0,
        phase: "env",
        backend: -1,
        replyIds: null,
      };
      this.agents.push(agent);
      this.startProgram(agent, 0);
    }
    while (this.queue.size > 0 && this.queue.peekTime() <= end) {
      const ev = this.queue.pop()!;
      this.eventsProcessed++;
      this.handle(ev.item, ev.time, every);
    }
    const summary = this.metrics.summary();
    return {
      ...summary,
      programsStarted: this.pool.taken,
      programsFinished: this.metrics.programsFinished,
      router: this.routerCounts,
      memory: this.memory,
      eventsProcessed: this.eventsProcessed,
      engineSteps: this.engineSteps,
    };
  }

  private handle(ev: Ev, t: number, every: number): void {
    switch (ev.kind) {
      case "step":
        this.busy[ev.backend] = false;
        this.delivering[ev.backend] = true;
        for (const e of ev.events) this.engineEvent(e, t);
        this.delivering[ev.backend] = false;
        this.kick(ev.backend, t);
        break;
      case "agent":
        this.agentTimer(ev.agent, t);
        break;
      case "tick": {
        const c = this.gateway.tick(t);
        this.routerCounts.paused += c.paused;
        this.routerCounts.marked += c.marked;
        this.routerCounts.restored += c.restored;
        this.routerCounts.migrated += c.migrated;
        this.routerCounts.forced += c.forced;
        this.queue.push(t + this.gateway.tickIntervalS!, { kind: "tick" });
        break;
      }
      case "sample":
        this.sampleMemory(t);
        this.queue.push(t + every, { kind: "sample" });
        break;
      case "mark": {
        const c = sumCounters(this.setup.engines.map((e) => e.scrape()));
        if (ev.edge === "start") this.metrics.markWindowStart(c);
        else this.metrics.markWindowEnd(c);
        break;
      }
    }
  }

  private sampleMemory(t: number): void {
    const snaps = this.setup.engines.map((e) => e.scrape());
    this.memory.push({
      t,
      kvUsage: snaps.map((s) => s.kvCacheUsage),
      heldTokens: snaps.map((s, i) => this.heldByBackend[i]! / Math.max(1, s.capacityTokens ?? 1)),
    });
  }

  private engineEvent(e: SimEngineEvent, t: number): void {
    this.gateway.engineEvent(e, t);
    if (e.type !== "finished") return;
    const call = this.calls.get(e.id);
    const agent = this.callAgent.get(e.id);
    this.calls.delete(e.id);
    this.callAgent.delete(e.id);
    if (!call || !agent) return;
    this.metrics.stepCompleted(t, call.arrivedAt, call.forwardedAt);
    const step = agent.script.steps[agent.step]!;
    if (agent.replyIds) {
      const ids = agent.replyIds.subarray(0, Math.min(agent.replyIds.length, e.completionTokens));
      agent.ctx!.appendIds(ids);
      if (agent.backend >= 0) this.heldByBackend[agent.backend]! += ids.length;
      agent.replyIds = null;
    } else {
      this.grow(agent, step.visibleTokens);
    }
    agent.phase = "tool";
    this.queue.push(t + step.toolTimeS, { kind: "agent", agent });
  }

  private grow(agent: Agent, tokens: number): void {
    agent.ctx!.append(tokens);
    if (agent.backend >= 0) this.heldByBackend[agent.backend]! += tokens;
  }

  private startProgram(agent: Agent, now: number): void {
    const { serial, script } = this.pool.take();
    agent.serial = serial;
    agent.programId = `p${serial}-i${script.index}`;
    agent.script = script;
    agent.ctx = null;
    agent.step = 0;
    agent.phase = "env";
    agent.backend = -1;
    this.queue.push(now + script.envStartS, { kind: "agent", agent });
  }

  private agentTimer(agent: Agent, t: number): void {
    if (agent.phase === "env") {
      agent.ctx = new ProgramContext(this.tokens, agent.script.initialPromptTokens);
      this.sendStep(agent, t);
      return;
    }
    // A tool call finished.
    const step = agent.script.steps[agent.step]!;
    if (agent.step + 1 >= agent.script.steps.length) {
      if (agent.backend >= 0) this.heldByBackend[agent.backend]! -= agent.ctx?.length ?? 0;
      this.metrics.programsFinished++;
      this.gateway.release(agent.programId, agent.serial, t);
      this.startProgram(agent, t);
      return;
    }
    this.grow(agent, step.observationTokens);
    agent.step++;
    this.sendStep(agent, t);
  }

  private sendStep(agent: Agent, t: number): void {
    const ctx = agent.ctx!;
    const step = agent.script.steps[agent.step]!;
    const w = this.setup.workload;
    const requestId = `${agent.programId}-s${agent.step + 1}`;
    const req: SimEngineRequest = {
      id: requestId,
      promptTokens: ctx.view(),
      maxTokens: w.maxCompletionTokens,
      outputTokens: step.outputTokens,
      programId: agent.programId,
      toolKey: step.toolKey,
      // mini-swe-agent's vLLM client (the Continuum fork's and ThunderAgent's) sets is_last_step
      // from the step limit only, `n_calls + 1 >= step_limit`: a program that submits earlier
      // has no last step. The trajectories are truncated at the limit (`steps.max`).
      isLastStep: agent.step + 1 >= w.steps.max,
    };
    if (w.outputReusable) {
      agent.replyIds = freshIds(this.tokens, step.outputTokens);
      req.outputTokenIds = agent.replyIds;
    }
    const call: Call = {
      requestId,
      programId: agent.programId,
      serial: agent.serial,
      // The rendered JSON body: ~charsPerToken per token plus per-message framing.
      payloadChars: Math.round(ctx.length * w.charsPerToken) + 64 * (2 * agent.step + 2),
      arrivedAt: t,
      forwardedAt: t,
      backend: -1,
    };
    agent.phase = "llm";
    this.calls.set(requestId, call);
    this.callAgent.set(requestId, agent);
    this.engineReqs.set(requestId, req);
    this.gateway.submit(call, t);
  }
}
