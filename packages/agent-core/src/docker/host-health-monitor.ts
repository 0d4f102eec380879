/**
 * The runner's health pings of its Docker hosts (`environment.docker_health`): every
 * `interval_s` each host of the pool gets a `GET /_ping` (dockerode's `ping()`, aborted after
 * `timeout_s`, at most `interval_s`), the answer goes through the pure state machine of host-health.ts, and what it
 * decides is applied to the pool: drained (`HostPool.takeOut`, the same drain a failed container
 * operation causes: nothing new goes there, the environments on it are lost and their instances
 * start again elsewhere) or back in (`HostPool.bringBack`). One loop per host, so a host that
 * hangs does not delay the others; a ping never overlaps the next. Timers are unref'd.
 * @module
 */
import type { DockerHealthSection } from "../config/mini-config.js";
import type { Monitor } from "../environment/environment-class.js";
import { dockerFor } from "./docker-hosts.js";
import { type HostHealth, afterPing, drainedElsewhere, healthy } from "./host-health.js";
import type { HostPool } from "./host-slots.js";

export interface HealthMonitorOptions {
  pool: HostPool;
  rules: DockerHealthSection;
  /** Resolves when the host answers; rejects otherwise (default: dockerode's ping). */
  ping?: (url: string, signal: AbortSignal) => Promise<unknown>;
  /** Seconds (default: performance time). */
  now?: () => number;
  warn: (line: string) => void;
  info: (line: string) => void;
}

type PingWithSignal = (options: { abortSignal: AbortSignal }) => Promise<unknown>;

/** dockerode's ping takes an abort signal (docker-modem), which its types do not declare. */
function dockerPing(url: string, signal: AbortSignal): Promise<unknown> {
  const docker = dockerFor(url);
  return (docker.ping as unknown as PingWithSignal).call(docker, { abortSignal: signal });
}

export function startHealthMonitor(options: HealthMonitorOptions): Monitor {
  const { pool, rules, warn, info } = options;
  const ping = options.ping ?? dockerPing;
  const now = options.now ?? (() => performance.now() / 1000);
  const stopped = new AbortController();
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => (timers.delete(t), resolve()), ms);
      t.unref();
      timers.add(t);
    });
  const timeoutS = Math.min(rules.timeout_s, rules.interval_s);

  async function once(url: string): Promise<{ ok: true } | { ok: false; error: string }> {
    const signal = AbortSignal.any([stopped.signal, AbortSignal.timeout(timeoutS * 1000)]);
    try {
      await ping(url, signal);
      return { ok: true };
    } catch (error) {
      if (signal.aborted && !stopped.signal.aborted) {
        return { ok: false, error: `no answer in ${timeoutS} s` };
      }
      return { ok: false, error: (error as Error).message || String(error) };
    }
  }

  async function loop(url: string): Promise<void> {
    let state: HostHealth = healthy(now());
    const failRules = { failAfter: rules.fail_after, recoverAfter: rules.recover_after };
    while (!stopped.signal.aborted) {
      const started = now();
      const result = await once(url);
      if (stopped.signal.aborted) return;
      const at = now();
      // Taken out meanwhile by a failed operation: it comes back by the same rule.
      if (!pool.host(url).up) state = drainedElsewhere(state, at);
      const next = afterPing(state, result, at, failRules);
      state = next.state;
      const change = next.change;
      if (change?.kind === "suspect") {
        info(
          `docker host ${url} missed a health ping (${change.error}); ${change.failures} of ${rules.fail_after}`,
        );
      } else if (change?.kind === "cleared") {
        info(`docker host ${url} answers health pings again`);
      } else if (change?.kind === "drain") {
        const line = pool.takeOut(url, change.why);
        if (line) warn(line);
      } else if (change?.kind === "recover") {
        const n = rules.recover_after;
        const line = pool.bringBack(
          url,
          `answered ${n} health ping${n > 1 ? "s" : ""} in a row after ${change.outS.toFixed(1)} s out`,
        );
        if (line) warn(line);
      }
      await sleep(Math.max(0, (started + rules.interval_s - now()) * 1000));
    }
  }

  for (const h of pool.hosts) void loop(h.url);
  return {
    stop() {
      stopped.abort();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
