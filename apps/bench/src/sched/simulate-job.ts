/**
 * Turns a Job into a simulation run: builds the engines and the gateway (direct or through
 * router(s)), runs it, and flattens the result into a RunRow. The engine and router factories are
 * injected: the bench passes the real EngineModel and Router (run-job.ts).
 * @module
 */
import { performance } from "node:perf_hooks";
import { DirectGateway, RouterGateway, type Gateway, type GatewayHost } from "./gateway.js";
import type { SimRouter } from "./gateway.js";
import type { SimEngine } from "./ports.js";
import type { RunRow } from "./results.js";
import { runSimulation } from "./simulation.js";
import type { EngineOverrides, Job, SystemName } from "./systems.js";
import { withWorkloadOverrides } from "@thunderagent/engine-sim/profiles";
import { workloadFor, type ProfileName } from "./workload.js";

export const SCHEDULER_INTERVAL_S = 5;

export interface SimDeps {
  makeEngine(
    profile: ProfileName,
    overrides: EngineOverrides | undefined,
    continuum: boolean,
  ): SimEngine;
  makeRouter(
    system: Exclude<SystemName, "vllm" | "continuum">,
    backendUrls: string[],
    extraOptions: Record<string, unknown> | undefined,
  ): SimRouter;
}

export function backendUrl(i: number): string {
  return `http://engine-${i}:8100`;
}

export function simulateJob(job: Job, deps: SimDeps): RunRow {
  const t0 = performance.now();
  const urls = Array.from({ length: job.backends }, (_, i) => backendUrl(i));
  const engines = urls.map(() =>
    deps.makeEngine(job.profile, job.engine, job.system === "continuum"),
  );
  const system = job.system;
  const makeGateway = (host: GatewayHost): Gateway => {
    if (system === "vllm" || system === "continuum") return new DirectGateway(host);
    const shards =
      job.routing === "global"
        ? [
            {
              router: deps.makeRouter(system, urls, job.routerOptions),
              backends: urls.map((_, i) => i),
            },
          ]
        : urls.map((u, i) => ({
            router: deps.makeRouter(system, [u], job.routerOptions),
            backends: [i],
          }));
    const interval = job.schedulerIntervalS ?? SCHEDULER_INTERVAL_S;
    const g = new RouterGateway(host, shards, interval, job.scrapePolicy ?? "none");
    g.start(0);
    return g;
  };
  const res = runSimulation({
    n: job.n,
    seed: job.seed,
    workload: withWorkloadOverrides(workloadFor(job.profile), job.workload),
    engines,
    backendUrls: urls,
    gateway: makeGateway,
    ...(job.durationS !== undefined ? { durationS: job.durationS } : {}),
    ...(job.window ? { window: job.window } : {}),
    ...(job.scripts ? { scripts: job.scripts } : {}),
    ...(job.clients ? { clients: job.clients } : {}),
    ...(job.arrival ? { arrival: job.arrival } : {}),
    ...(job.sloS !== undefined ? { sloS: job.sloS } : {}),
  });
  const totals = res.routerTotals;
  return {
    profile: job.profile,
    n: job.n,
    system: job.system,
    backends: job.backends,
    routing: job.routing,
    variant: job.variant ?? null,
    scenario: job.scenario ?? null,
    systemName: job.systemName ?? null,
    seed: job.seed,
    stepsPerMin: res.stepsPerMin,
    kvHitRate: res.kvHitRate,
    kvHitRateWindow: res.kvHitRateWindow,
    preemptions: res.preemptions,
    meanStepS: res.meanStepS,
    meanPauseS: res.meanPauseS,
    totalPauseS: res.totalPauseS,
    pausedStepShare: res.pausedStepShare,
    programsFinished: res.programsFinished,
    pauses: res.router.paused,
    restores: res.router.restored,
    migrations: res.router.migrated,
    stepsPerMinute: res.stepsPerMinute,
    memory: job.keepMemory ? res.memory : null,
    engineSteps: res.engineSteps,
    ...res.extra,
    routerPauses: totals?.pauses ?? null,
    resumesMoved: totals?.migrations ?? null,
    originResumes: totals?.originResumes ?? null,
    leaseExpiries: totals?.leaseExpiries ?? null,
    booksGap: res.booksGap,
    wallS: (performance.now() - t0) / 1000,
  };
}
