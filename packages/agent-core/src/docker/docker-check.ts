/**
 * The docker class's start-up check: the engine `DOCKER_HOST` names answers a ping within a few
 * seconds, and a configured `environment.image` is present (SWE-bench's per-instance images are
 * checked, and pulled, when each instance starts).
 * @module
 */
import Dockerode from "dockerode";
import type { EnvironmentSection } from "../config/mini-config.js";
import { dockerFor } from "./docker-hosts.js";
import { HOST_ACCESS_ERROR } from "./host-ssh.js";

const TIMEOUT_MS = 5000;

function host(): string {
  return process.env["DOCKER_HOST"] ?? "unix:///var/run/docker.sock";
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer in ${TIMEOUT_MS / 1000} s`)),
      TIMEOUT_MS,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function checkDockerHost(
  config: EnvironmentSection,
  docker: Dockerode = new Dockerode(),
  name: string = host(),
): Promise<string | null> {
  try {
    await withTimeout(docker.ping(), "ping");
  } catch (error) {
    const hint = name === host() ? "; set DOCKER_HOST" : "";
    // It answered, but not to us (ssh keys, host key, TLS certificates: host-ssh.ts, host-tls.ts).
    if ((error as { code?: unknown }).code === HOST_ACCESS_ERROR) {
      return `the Docker host ${name} refuses the connection (${(error as Error).message})`;
    }
    return `the Docker host ${name} does not answer (${(error as Error).message})${hint}`;
  }
  if (config.image === undefined) return null;
  try {
    await withTimeout(docker.getImage(config.image).inspect(), "image inspect");
    return null;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) return null; // missing images are pulled when an instance starts
    return `the Docker host ${name} cannot inspect ${config.image}: ${(error as Error).message}`;
  }
}

/** Every host of `environment.docker_hosts` answers (and has the configured image); the first problem. */
export async function checkDockerHosts(config: EnvironmentSection): Promise<string | null> {
  const problems = await Promise.all(
    config.docker_hosts.map((h) => checkDockerHost(config, dockerFor(h), h.url)),
  );
  return problems.find((p) => p !== null) ?? null;
}
