/**
 * The `docker` environment class: one container per instance from its SWE-bench image (or
 * `environment.image`), labelled with the run so that a run's leftovers can be swept. With
 * `environment.docker_hosts`, each container goes to the least-loaded host that answers; a host
 * that fails is taken out (one warning line) and the container is made on the next.
 * @module
 */
import { sweBenchImageName } from "@thunderagent/protocol";
import type { EnvironmentSection } from "../config/mini-config.js";
import type {
  CreateEnvironmentOptions,
  EnvironmentClass,
} from "../environment/environment-class.js";
import { EnvironmentError } from "../environment/environment.js";
import { checkDockerHost, checkDockerHosts } from "./docker-check.js";
import { DockerEnvironment, removeLabelledContainers } from "./docker-environment.js";
import { DOCKER_HOST_LABEL, hostPool, isHostFailure } from "./docker-hosts.js";

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

/** On the least-loaded host of `docker_hosts`, taking out the hosts that fail on the way. */
async function createOnHosts(options: CreateEnvironmentOptions, image: string) {
  const pool = hostPool(options.config.docker_hosts);
  for (;;) {
    const host = pool.leastLoaded();
    if (!host) {
      throw new EnvironmentError(
        `no Docker host left (all of ${options.config.docker_hosts.join(", ")} failed)`,
      );
    }
    host.running++;
    try {
      const labels = { ...options.labels, [DOCKER_HOST_LABEL]: host.url };
      const env = await createOn({ ...options, labels }, image, host.docker);
      const close = env.close.bind(env);
      env.close = async () => {
        await close();
        host.running = Math.max(0, host.running - 1);
      };
      return env;
    } catch (error) {
      host.running--;
      if (!isHostFailure(error) || options.signal?.aborted) throw error;
      const line = pool.takeOut(host, (error as Error).message);
      if (line) options.onWarning?.(line);
    }
  }
}

async function sweep(config: EnvironmentSection | undefined, runId?: string): Promise<number> {
  const urls = config?.docker_hosts ?? [];
  if (urls.length === 0) return removeLabelledContainers(runId ? { runId } : {});
  const counts = await Promise.all(
    hostPool(urls).hosts.map((h) =>
      removeLabelledContainers({ docker: h.docker, ...(runId ? { runId } : {}) }).catch(() => 0),
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
  prepare: async (config, warn) => {
    if (config.docker_hosts.length === 0) return config;
    const up: string[] = [];
    for (const url of config.docker_hosts) {
      const problem = await checkDockerHosts({ ...config, docker_hosts: [url] });
      if (problem) warn(`${problem}; taking it out`);
      else up.push(url);
    }
    // None answers: keep them, so that the check refuses to start (naming the first).
    return up.length > 0 ? { ...config, docker_hosts: up } : config;
  },
};
