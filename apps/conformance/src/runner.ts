/**
 * Plays a scenario against a router command: starts one fake vLLM per backend, the router in front
 * of them, then each step in order. After every step it waits `settleSeconds` (at least two
 * scheduler ticks and a metrics poll, so every decision the step causes has been taken) and
 * snapshots the router. Steps are applied one at a time, so the order of events is fixed.
 * @module
 */
import { sendChat, type ClientRequest } from "./client.js";
import { ConformanceError } from "./errors.js";
import { type FakeVllm, startFakeVllm } from "./fake-vllm/server.js";
import { launchRouter, type RouterSettings } from "./router-process.js";
import type { Scenario, Step } from "./scenario.js";
import { BackendNames, snapshotRouter, type Json } from "./snapshot.js";
import type { Snapshot, Trace } from "./trace.js";

export interface RunOptions extends RouterSettings {
  /** The router command template (router-process.ts). */
  command: string;
  cwd: string;
  /** Seconds to wait after each step; default 3 scheduler intervals + 2 metrics intervals. */
  settleSeconds?: number;
  /** Who produced the trace (the command as shown, without local paths). */
  recordedFrom: Trace["recordedFrom"];
}

/** The original's force-resume timeout; scenarios that do not exercise it keep it. */
const ORIGINAL_FORCE_RESUME_S = 1800;

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

export function scenarioFlags(s: Scenario): string[] {
  const flags: string[] = [];
  if (s.flags.actingTokenWeight !== undefined) {
    flags.push("--acting-token-weight", String(s.flags.actingTokenWeight));
  }
  if (s.flags.useActingTokenDecay) flags.push("--use-acting-token-decay");
  return flags;
}

class Play {
  readonly requests = new Map<string, ClientRequest>();
  readonly names: BackendNames;

  constructor(
    readonly fakes: FakeVllm[],
    readonly routerUrl: string,
  ) {
    this.names = new BackendNames(fakes.map((f) => f.url));
  }

  holder(id: string): FakeVllm | undefined {
    return this.fakes.find((f) => f.isHeld(id));
  }

  /** Applies one step; returns the router's answer for a release, or a note when a step misses. */
  async apply(step: Step): Promise<Json | undefined> {
    switch (step.do) {
      case "request":
        this.requests.set(step.id, sendChat(this.routerUrl, step));
        return undefined;
      case "stream": {
        const fake = this.holder(step.id);
        if (!fake) return `request ${step.id} is not at any backend`;
        fake.streamChunks(step.id, step.chunks);
        return undefined;
      }
      case "complete": {
        const fake = this.holder(step.id);
        if (!fake) return `request ${step.id} is not at any backend`;
        fake.complete(step.id, step.usage, step.chunks);
        await Promise.race([this.requests.get(step.id)?.done, sleep(10)]);
        return undefined;
      }
      case "release": {
        const res = await fetch(`${this.routerUrl}/programs/release`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ program_id: step.program }),
        });
        return (await res.json()) as Json;
      }
      case "metrics": {
        const fake = this.fakes[step.backend]!;
        fake.set(step.set);
        if (step.status !== undefined) fake.metricsStatus = step.status;
        return undefined;
      }
      case "wait":
        await sleep(step.seconds);
        return undefined;
    }
  }

  requestsView(): Record<string, Json> {
    const out: Record<string, Json> = {};
    for (const [id, req] of this.requests) {
      const at = this.fakes.findIndex((f) => f.arrivals.some((a) => a.id === id));
      const arrival = at >= 0 ? this.fakes[at]!.arrivals.find((a) => a.id === id)! : null;
      out[id] = {
        backend: at >= 0 ? `b${at}` : null,
        state: req.status !== null ? "answered" : at >= 0 ? "at-backend" : "waiting",
        status: req.status,
        upstream: arrival
          ? { keys: arrival.keys, stream_options: arrival.streamOptions as Json }
          : null,
      };
    }
    return out;
  }

  async snapshot(result: Json | undefined): Promise<Snapshot> {
    const view = await snapshotRouter(this.routerUrl, this.names);
    return { ...view, requests: this.requestsView(), ...(result !== undefined ? { result } : {}) };
  }
}

export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<Trace> {
  const settle = opts.settleSeconds ?? 3 * opts.schedulerInterval + 2 * opts.metricsInterval;
  const fakes = await Promise.all(scenario.backends.map((b) => startFakeVllm(b)));
  const launch = {
    backends: fakes.map((f) => f.url),
    flags: scenarioFlags(scenario),
    forceResumeS: scenario.flags.forceResumeS ?? ORIGINAL_FORCE_RESUME_S,
    schedulerInterval: opts.schedulerInterval,
    metricsInterval: opts.metricsInterval,
  };
  let router;
  try {
    router = await launchRouter(opts.command, launch, opts.cwd);
  } catch (err) {
    await Promise.all(fakes.map((f) => f.close()));
    throw err;
  }
  const play = new Play(fakes, router.url);
  const steps: Trace["steps"] = [];
  try {
    await sleep(2 * settle);
    for (const [index, step] of scenario.steps.entries()) {
      const result = await play.apply(step);
      await sleep(settle);
      steps.push({ index, step: step as unknown as Json, snapshot: await play.snapshot(result) });
    }
  } catch (err) {
    throw new ConformanceError(
      "scenario_failed",
      `${scenario.name}: ${(err as Error).message}\nrouter output:\n${router.output()}`,
      { cause: err },
    );
  } finally {
    await router.stop();
    await Promise.all(fakes.map((f) => f.close()));
    await Promise.allSettled([...play.requests.values()].map((r) => r.done));
  }
  return {
    scenario: scenario.name,
    recordedFrom: opts.recordedFrom,
    settings: {
      schedulerInterval: opts.schedulerInterval,
      metricsInterval: opts.metricsInterval,
      settleSeconds: settle,
    },
    steps,
  };
}
