/**
 * The real dependencies: engine-sim's EngineModel (with its metrics turned into the BackendSnapshot
 * a scrape of its /metrics gives the proxy) and router-core's Router with the paper's options.
 * @module
 */
import {
  CONTINUUM_DEFAULTS,
  EngineModel,
  engineConfig,
  renderVllmMetrics,
} from "@thunderagent/engine-sim";
import {
  DEFAULT_ROUTER_OPTIONS,
  Router,
  parseVllmMetrics,
  type RouterOptions,
} from "@thunderagent/router-core";
import type { SimRouter } from "./gateway.js";
import type { ScrapeSnapshot, SimEngine, SimEngineEvent, SimEngineRequest } from "./ports.js";
import type { RunRow } from "./results.js";
import { simulateJob, type SimDeps } from "./simulate-job.js";
import type { Job } from "./systems.js";

/**
 * One scrape of the backend's /metrics, the way the proxy does it: engine-sim renders its
 * counters in vLLM's exposition format and router-core's parseVllmMetrics reads them back.
 */
export function scrapeEngine(model: EngineModel): ScrapeSnapshot {
  return parseVllmMetrics(renderVllmMetrics(model.snapshot(), METRICS_CONTEXT));
}

const METRICS_CONTEXT = { modelName: "simulated", createdAt: 0, gpuMemoryUtilization: 0.9 };

export class EngineAdapter implements SimEngine {
  constructor(readonly model: EngineModel) {}

  addRequest(req: SimEngineRequest, now: number): void {
    this.model.addRequest(req, now);
  }

  hasWork(): boolean {
    return this.model.hasWork();
  }

  step(now: number): { durationS: number; events: readonly SimEngineEvent[] } {
    return this.model.step(now);
  }

  scrape(): ScrapeSnapshot {
    return scrapeEngine(this.model);
  }
}

export const REAL_DEPS: SimDeps = {
  makeEngine(profile, overrides, continuum) {
    const config = engineConfig(profile, {
      ...overrides,
      continuum: continuum ? { ...CONTINUUM_DEFAULTS } : null,
    });
    return new EngineAdapter(new EngineModel(config));
  },
  makeRouter(system, backendUrls, extra): SimRouter {
    const options: RouterOptions = {
      ...DEFAULT_ROUTER_OPTIONS,
      mode: system === "router-default" ? "default" : "tr",
      actingTokenWeight: 1.0,
      useActingTokenDecay: system === "router-tr-decay",
      ...(extra as Partial<RouterOptions> | undefined),
    };
    return new Router(options, backendUrls);
  },
};

export function runJob(job: Job): RunRow {
  return simulateJob(job, REAL_DEPS);
}
