/**
 * The virtual-time discrete-event simulation: N closed-loop agents (mini-extra swebench --workers N)
 * over the instance pool, one engine per backend stepping continuously while it has work (each
 * step's outputs exist at now + durationS), tool calls finishing at scheduled times, and the
 * router's scheduler tick. When nothing runs, time jumps to the next event.
 * @module
 */
import { DEFAULT_CLIENTS, GroupBarrier, startTimes, type ClientSpec } from "./clients.js";
import { BenchError } from "../errors.js";
import { EventQueue } from "./event-queue.js";
import type { Call, Gateway, GatewayHost, TickCounts } from "./gateway.js";
import { PAPER_WINDOW, RunMetrics, sumCounters } from "./metrics.js";
import type { ScrapeSnapshot, SimEngineEvent, SimEngineRequest } from "./ports.js";
import {
  newAgent,
  type Agent,
  type Ev,
  type MemorySample,
  type SimulationResult,
  type SimulationSetup,
} from "./simulation-types.js";
import { stepRequest } from "./step-request.js";
import { ProgramContext, TokenSource } from "./token-context.js";
import { InstancePool } from "./workload.js";

export type { MemorySample, SimulationResult, SimulationSetup } from "./simulation-types.js";

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
  private readonly clients: ClientSpec;
  private readonly barrier: GroupBarrier;

  constructor(private readonly setup: SimulationSetup) {
    this.backendUrls = setup.backendUrls;
    this.busy = setup.engines.map(() => false);
    this.delivering = setup.engines.map(() => false);
    this.heldByBackend = setup.engines.map(() => 0);
    this.pool = new InstancePool(setup.workload, setup.seed, setup.scripts);
    this.tokens = new TokenSource(setup.workload.sharedPrefixTokens);
    this.metrics = new RunMetrics(setup.window ?? PAPER_WINDOW, setup.sloS);
    this.clients = setup.clients ?? DEFAULT_CLIENTS;
    this.barrier = new GroupBarrier(setup.n, this.clients.groupSize);
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
    this.metrics.noteWait(now - call.arrivedAt);
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
    this.startAgents();
    while (this.queue.size > 0 && this.queue.peekTime() <= end) {
      const ev = this.queue.pop()!;
      this.eventsProcessed++;
      this.handle(ev.item, ev.time, every);
    }
    this.finish(end);
    const summary = this.metrics.summary();
    return {
      ...summary,
      programsStarted: this.pool.taken,
      programsFinished: this.metrics.programsFinished,
      router: this.routerCounts,
      memory: this.memory,
      eventsProcessed: this.eventsProcessed,
      engineSteps: this.engineSteps,
      extra: this.metrics.extra(),
      routerTotals: this.gateway.totals(),
      booksGap: this.gateway.booksGap,
    };
  }

  /** The agents, each starting its first program at its arrival time. */
  private startAgents(): void {
    const starts = startTimes(this.setup.n, this.setup.arrival);
    for (let i = 0; i < this.setup.n; i++) {
      const agent = newAgent(i);
      this.agents.push(agent);
      const t = starts[i]!;
      if (t > 0) this.queue.push(t, { kind: "arrive", agent });
      else this.startProgram(agent, 0);
    }
  }

  /** End of the run: requests still waiting count their wait so far; live programs their pauses. */
  private finish(end: number): void {
    for (const id of this.engineReqs.keys()) {
      const call = this.calls.get(id);
      if (call) this.metrics.noteWait(end - call.arrivedAt);
    }
    for (const a of this.agents) if (a.ctx) this.countPauses(a);
  }

  private countPauses(agent: Agent): void {
    const n = this.gateway.pauseCount(agent.programId, agent.serial);
    if (n !== null) this.metrics.notePauses(n);
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
      case "arrive":
        this.startProgram(ev.agent, t);
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
    if (e.type === "first_token") {
      const c = this.calls.get(e.id);
      if (c && c.firstTokenAt === null) c.firstTokenAt = t;
    }
    if (e.type !== "finished") return;
    const call = this.calls.get(e.id);
    const agent = this.callAgent.get(e.id);
    this.calls.delete(e.id);
    this.callAgent.delete(e.id);
    if (!call || !agent) return;
    this.metrics.stepCompleted(t, call.arrivedAt, call.forwardedAt, call.firstTokenAt ?? t);
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
      this.programEnded(agent, t);
      return;
    }
    this.grow(agent, step.observationTokens);
    agent.step++;
    this.sendStep(agent, t);
  }

  private programEnded(agent: Agent, t: number): void {
    if (agent.backend >= 0) this.heldByBackend[agent.backend]! -= agent.ctx?.length ?? 0;
    this.metrics.programsFinished++;
    this.countPauses(agent);
    if (this.clients.release) this.gateway.release(agent.programId, agent.serial, t);
    agent.ctx = null;
    for (const i of this.barrier.ended(agent.index)) this.startProgram(this.agents[i]!, t);
  }

  private sendStep(agent: Agent, t: number): void {
    const { req, call } = stepRequest(agent, this.setup.workload, this.tokens, t);
    agent.phase = "llm";
    this.calls.set(call.requestId, call);
    this.callAgent.set(call.requestId, agent);
    this.engineReqs.set(call.requestId, req);
    this.gateway.submit(call, t);
  }
}
