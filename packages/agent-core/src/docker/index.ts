/**
 * `@thunderagent/agent-core/docker`: the `docker` environment adapter (dockerode; Docker or
 * Podman), its image and leftover-container helpers, and its registry record.
 * @module
 */
export {
  CONTAINER_LABEL,
  DockerEnvironment,
  ensureImage,
  removeLabelledContainers,
} from "./docker-environment.js";
export type { DockerEnvironmentOptions } from "./docker-environment.js";
export { dockerClass } from "./docker-class.js";
export {
  DOCKER_HOST_LABEL,
  DockerHostPool,
  dockerOptionsFor,
  hostPool,
  isHostFailure,
} from "./docker-hosts.js";
export type { DockerHost } from "./docker-hosts.js";
