/**
 * The real scheduler from the config: router-core's `Router` with ThunderAgent's options.
 * @module
 */
import { Router, type RouterOptions } from "@thunderagent/router-core";
import { POLICY_OPTIONS, type ProxyConfig } from "./config.js";

/** A flag that router-core turns off with null: not given → the preset's, "off" → null. */
function offable(value: number | "off" | null, preset: number | null): number | null {
  return value === null ? preset : value === "off" ? null : value;
}

/** The scheduling policy v2 settings: the preset's, each overridden by its flag when given. */
function policyV2(config: ProxyConfig, preset: Readonly<RouterOptions>): Partial<RouterOptions> {
  const c = config;
  return {
    resumePlacement: c.resumePlacement ?? preset.resumePlacement,
    resumeMoveAfterS: offable(c.resumeMoveAfter, preset.resumeMoveAfterS),
    resumeMoveHeadroom: offable(c.resumeMoveHeadroom, preset.resumeMoveHeadroom),
    restoreBoostAfterS: offable(c.restoreBoostAfter, preset.restoreBoostAfterS),
    waitGuardAfterS: offable(c.waitGuardAfter, preset.waitGuardAfterS),
    waitGuardQuantumS: c.waitGuardQuantum ?? preset.waitGuardQuantumS,
    actingLeaseS: offable(c.actingLease, preset.actingLeaseS),
    actingLeaseToolFactor: offable(c.actingLeaseToolFactor, preset.actingLeaseToolFactor),
    kvUsageSmoothingS: offable(c.kvUsageSmoothing, preset.kvUsageSmoothingS),
    kvHighWatermark: offable(c.kvHighWatermark, preset.kvHighWatermark),
    kvPauseTarget: offable(c.kvPauseTarget, preset.kvPauseTarget),
    kvLowWatermark: offable(c.kvLowWatermark, preset.kvLowWatermark),
    gateQueuedBackends: c.gateQueuedBackends ?? preset.gateQueuedBackends,
    tokenEstimate: c.tokenEstimate ?? preset.tokenEstimate,
    restoreNeed: c.restoreNeed ?? preset.restoreNeed,
    restoreOrder: c.restoreOrder ?? preset.restoreOrder,
    victimPenalty: c.victimPenalty ?? preset.victimPenalty,
    victimMemoryS: c.victimMemory ?? preset.victimMemoryS,
  };
}

export function routerOptions(config: ProxyConfig): RouterOptions {
  const preset = POLICY_OPTIONS[config.policy];
  return {
    ...preset,
    mode: config.router,
    actingTokenWeight: config.actingTokenWeight,
    useActingTokenDecay: config.useActingTokenDecay,
    actingDecayBase: config.actingDecayBase,
    bufferPerProgram: config.bufferPerProgram ?? preset.bufferPerProgram,
    sharedCredit: config.sharedCredit ?? preset.sharedCredit,
    markReasoning: config.markReasoning ?? preset.markReasoning,
    ...policyV2(config, preset),
    forceResumeAfterS: config.forceResumeTimeout,
    abandonAfterS: config.abandonTimeout,
    profile: config.profile,
  };
}

export function createRouter(config: ProxyConfig): Router {
  return new Router(routerOptions(config), config.backends);
}
