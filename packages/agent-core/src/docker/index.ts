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
export { DOCKER_HOST_LABEL, dockerFor, dockerOptionsFor, isHostFailure } from "./docker-hosts.js";
export { HostPool, chooseHost, hostPool } from "./host-slots.js";
export type { HostChange, HostState } from "./host-slots.js";
export { afterPing, drainedElsewhere, healthy } from "./host-health.js";
export type {
  HealthChange,
  HealthPhase,
  HealthRules,
  HostHealth,
  PingResult,
} from "./host-health.js";
export { startHealthMonitor } from "./host-health-monitor.js";
export type { HealthMonitorOptions } from "./host-health-monitor.js";
export { planPulls, prepareHostImages } from "./host-images.js";
export type { HostImages, PlannedPull } from "./host-images.js";
