/**
 * The router process of the `thunderagent` system: this repository's proxy (apps/proxy), or the
 * caller's `routerCommand` given the same launch values. With --simulate the proxy's intervals and
 * timeouts are scaled like the engine's time.
 * @module
 */
import { join } from "node:path";
import { ConfigError, policyPresetOf } from "@thunderagent/proxy/config";
import { DEFAULT_ROUTER_OPTIONS } from "@thunderagent/router-core";
import { PROXY_ENTRY, fmtNum, tsEntry } from "./entries.js";
import type { Options } from "./options.js";
import type { PlanSettings } from "./plan-settings.js";
import type { PlanExtensions, PlanFacts, ProcessSpec, RouterLaunch } from "./plan-types.js";

/** `s` seconds of simulated time in real seconds, as a flag value. */
function scaled(s: PlanSettings, seconds: number): string {
  return fmtNum(seconds * (s.timeScale ?? 1));
}

export function routerLaunch(o: Options, s: PlanSettings, profileDir: string): RouterLaunch {
  return {
    host: s.host,
    port: s.proxyPort,
    backends: s.engineUrls,
    profileDir,
    router: o.router,
    backendType: o.backendType,
    schedulerIntervalS: o.schedulerInterval ?? (s.simulate ? Number(scaled(s, 5)) : null),
    metricsIntervalS: o.schedulerInterval === undefined && s.simulate ? Number(scaled(s, 5)) : null,
    timeScale: s.timeScale,
  };
}

/**
 * The `--policy` preset the proxy arguments ask for, read by the proxy's parser. Arguments it
 * refuses keep the default here: the proxy says what is wrong when it starts.
 */
function presetOf(proxyArgs: readonly string[]) {
  try {
    return policyPresetOf(proxyArgs);
  } catch (err) {
    if (err instanceof ConfigError) return DEFAULT_ROUTER_OPTIONS;
    throw err;
  }
}

/**
 * The policy's times in the engine's simulated seconds: the backstops, and the preset's acting
 * lease (a later `--acting-lease` in the user's proxy arguments wins).
 */
function simulatedTimeouts(s: PlanSettings, proxyArgs: readonly string[]): string[] {
  const lease = presetOf(proxyArgs).actingLeaseS;
  return [
    "--force-resume-timeout",
    scaled(s, 1800),
    "--abandon-timeout",
    scaled(s, 1800),
    ...(lease !== null ? ["--acting-lease", scaled(s, lease)] : []),
  ];
}

/** The proxy's flags (after the entry point). */
export function proxyArgs(o: Options, s: PlanSettings, profileDir: string): string[] {
  return [
    // Listen where --host says (127.0.0.1 by default), never on every interface unasked.
    "--host",
    s.host,
    "--port",
    String(s.proxyPort),
    "--backends",
    s.engineUrls.join(","),
    "--backend-type",
    o.backendType,
    "--router",
    o.router,
    "--metrics",
    "--profile",
    "--profile-dir",
    profileDir,
    ...(o.schedulerInterval !== undefined
      ? ["--scheduler-interval", fmtNum(o.schedulerInterval)]
      : s.simulate
        ? ["--scheduler-interval", scaled(s, 5), "--metrics-interval", scaled(s, 5)]
        : []),
    ...(s.simulate ? simulatedTimeouts(s, o.proxyArgs) : []),
    ...o.proxyArgs,
  ];
}

export function proxySpec(
  o: Options,
  s: PlanSettings,
  facts: PlanFacts,
  ext: PlanExtensions,
  where: { readonly sysDir: string; readonly profileDir: string },
): ProcessSpec {
  const custom = ext.routerCommand?.(routerLaunch(o, s, where.profileDir));
  const own = tsEntry(facts, PROXY_ENTRY);
  return {
    name: custom?.name ?? "proxy",
    role: "proxy",
    command: custom?.command ?? own.command,
    args: custom ? [...custom.args] : [...own.args, ...proxyArgs(o, s, where.profileDir)],
    env: { ...custom?.env },
    logFile: join(where.sysDir, "proxy.log"),
    health: {
      url: `http://${s.host}:${s.proxyPort}/health`,
      timeoutS: s.simulate ? 120 : 300,
    },
  };
}
