/**
 * The `docker` environment class: one container per instance from its SWE-bench image (or
 * `environment.image`), labelled with the run so that a run's leftovers can be swept.
 * @module
 */
import { sweBenchImageName } from "@thunderagent/protocol";
import type { EnvironmentClass } from "../environment/environment-class.js";
import { checkDockerHost } from "./docker-check.js";
import { DockerEnvironment, removeLabelledContainers } from "./docker-environment.js";

export const dockerClass: EnvironmentClass = {
  name: "docker",
  summary: "one container per instance from its SWE-bench image (Docker or Podman API)",
  imageFor: (instance, config) => config.image ?? sweBenchImageName(instance),
  async create({ config, instance, runId, labels, signal, onStatus }) {
    const image = dockerClass.imageFor(instance, config)!;
    onStatus?.(`starting container (${image})`);
    return DockerEnvironment.create({
      config,
      image,
      runId,
      ...(labels ? { labels } : {}),
      ...(signal ? { signal } : {}),
    });
  },
  sweepLeftovers: (options) => removeLabelledContainers(options),
  check: (config) => checkDockerHost(config),
};
