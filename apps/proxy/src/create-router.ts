/**
 * The real scheduler from the config: router-core's `Router` with ThunderAgent's options.
 * @module
 */
import { Router, type RouterOptions } from "@thunderagent/router-core";
import { POLICY_OPTIONS, type ProxyConfig } from "./config.js";

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
    forceResumeAfterS: config.forceResumeTimeout,
    abandonAfterS: config.abandonTimeout,
    profile: config.profile,
  };
}

export function createRouter(config: ProxyConfig): Router {
  return new Router(routerOptions(config), config.backends);
}
