/**
 * The `docker` environment class: one container per instance from its SWE-bench image (or
 * `environment.image`), labelled with the run so that a run's leftovers can be swept. With
 * `environment.docker_hosts`, each container goes to the least-loaded host (relative to its
 * slots) that has its image, waiting for a free slot; a host that fails is taken out (one warning
 * line): the container is made on the next, and an instance whose host failed under it (or was
 * drained by the runner's health pings, `monitor`) is marked `lost` for the runner to start again.
 * @module
 */
import { sweBenchImageName } from "@thunderagent/protocol";
import type { DockerHostEntry, EnvironmentSection } from "../config/mini-config.js";
import type {
  CreateEnvironmentOptions,
  EnvironmentClass,
  HostSlots,
} from "../environment/environment-class.js";
import { checkDockerHost, checkDockerHosts } from "./docker-check.js";
import { DockerEnvironment, removeLabelledContainers } from "./docker-environment.js";
import { EnvironmentError } from "../environment/environment.js";
import { DOCKER_HOST_LABEL, dockerFor, isHostFailure } from "./docker-hosts.js";
import { startHealthMonitor } from "./host-health-monitor.js";
import { prepareHostImages } from "./host-images.js";
import { hostPool } from "./host-slots.js";

function createOn(
  options: CreateEnvironmentOptions,
  image: string,
  docker?: DockerEnvironment["docker"],
) {
  const { config, runId, labels, signal } = options;
  return DockerEnvironment.create({
    config,
    image,
    runId,
    ...(docker ? { docker } : {}),
    ...(labels ? { labels } : {}),
    ...(signal ? { signal } : {}),
  });
}

/** On the best host of `docker_hosts` (host-slots.ts), taking out the hosts that fail on the way. */
async function createOnHosts(options: CreateEnvironmentOptions, image: string) {
  const slots = options.hostSlots ?? hostPool(options.runId, options.config.docker_hosts);
  for (;;) {
    const url = await slots.acquire(image, options.signal);
    let env: DockerEnvironment;
    try {
      const labels = { ...options.labels, [DOCKER_HOST_LABEL]: url };
      const entry = options.config.docker_hosts.find((h) => h.url === url) ?? url;
      env = await createOn({ ...options, labels }, image, dockerFor(entry));
    } catch (error) {
      slots.release(url);
      if (!isHostFailure(error) || options.signal?.aborted) throw error;
      const line = slots.takeOut(url, (error as Error).message);
      if (line) options.onWarning?.(line);
      continue;
    }
    return onHost(env, { url, image, slots, options });
  }
}

/** How long closing an environment whose host was drained may wait for the host. */
const LOST_CLOSE_MS = 5000;

/**
 * The environment, giving its slot back when closed. Its host drained, by anyone (a command of
 * this or another environment that failed with a connection error, the runner's health pings),
 * it is lost: `lost` says why, a running command is abandoned, `onLost` tells the runner (which
 * stops the agent and starts the instance again elsewhere), and closing waits for the host at
 * most LOST_CLOSE_MS (a container left there is swept by the run's label later).
 */
function onHost(
  env: DockerEnvironment,
  at: { url: string; image: string; slots: HostSlots; options: CreateEnvironmentOptions },
): DockerEnvironment {
  const { url, image, slots, options } = at;
  const close = env.close.bind(env);
  const execute = env.execute.bind(env);
  let rejectLost: (error: Error) => void = () => undefined;
  const lostWhile = new Promise<never>((_, reject) => (rejectLost = reject));
  lostWhile.catch(() => undefined);
  const lose = (why: string) => {
    if (env.lost) return;
    env.lost = `docker host ${url} failed: ${why}`;
    rejectLost(new EnvironmentError(env.lost));
    options.onLost?.(env.lost);
  };
  const unwatch = slots.watch(url, lose);
  let released = false;
  env.close = async () => {
    unwatch();
    if (env.lost) {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<void>((r) => (timer = setTimeout(r, LOST_CLOSE_MS)));
      await Promise.race([close(), limit]).finally(() => clearTimeout(timer));
    } else await close();
    if (!released) slots.release(url, image);
    released = true;
  };
  env.execute = async (command, execOptions) => {
    try {
      return await Promise.race([execute(command, execOptions), lostWhile]);
    } catch (error) {
      if (isHostFailure(error) && !execOptions?.signal?.aborted && !env.lost) {
        const why = (error as Error).message;
        const line = slots.takeOut(url, why);
        if (line) options.onWarning?.(line);
        lose(why); // when another process drained it first (--procs), its news may come later
      }
      throw error;
    }
  };
  return env;
}

async function sweep(config: EnvironmentSection | undefined, runId?: string): Promise<number> {
  const hosts = config?.docker_hosts ?? [];
  if (hosts.length === 0) return removeLabelledContainers(runId ? { runId } : {});
  const counts = await Promise.all(
    hosts.map((h) =>
      removeLabelledContainers({ docker: dockerFor(h), ...(runId ? { runId } : {}) }).catch(
        () => 0,
      ),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

export const dockerClass: EnvironmentClass = {
  name: "docker",
  summary: "one container per instance from its SWE-bench image (Docker or Podman API)",
  imageFor: (instance, config) => config.image ?? sweBenchImageName(instance),
  async create(options) {
    const image = dockerClass.imageFor(options.instance, options.config)!;
    options.onStatus?.(`starting container (${image})`);
    return options.config.docker_hosts.length > 0
      ? createOnHosts(options, image)
      : createOn(options, image);
  },
  sweepLeftovers: (options) => sweep(options.config, options.runId),
  check: (config) =>
    config.docker_hosts.length > 0 ? checkDockerHosts(config) : checkDockerHost(config),
  prepareImages: async (options) => {
    if (options.config.docker_hosts.length > 0) await prepareHostImages(options);
  },
  monitor: ({ config, runId, warn, info }) =>
    config.docker_hosts.length > 0 && config.docker_health.interval_s > 0
      ? startHealthMonitor({
          pool: hostPool(runId, config.docker_hosts),
          rules: config.docker_health,
          warn,
          info,
        })
      : null,
  prepare: async (config, warn) => {
    if (config.docker_hosts.length === 0) return config;
    const up: DockerHostEntry[] = [];
    for (const host of config.docker_hosts) {
      const problem = await checkDockerHosts({ ...config, docker_hosts: [host] });
      if (problem) warn(`${problem}; taking it out`);
      else up.push(host);
    }
    // None answers: keep them, so that the check refuses to start (naming the first).
    return up.length > 0 ? { ...config, docker_hosts: up } : config;
  },
};
