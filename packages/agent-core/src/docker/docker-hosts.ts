/**
 * Several Docker-API hosts (`environment.docker_hosts`, the runner's `--docker-host`): their URLs
 * as dockerode options and clients, the label naming a container's host, and which errors mean
 * the host itself is gone. Placement and slots: host-slots.ts; the pre-run image check:
 * host-images.ts. Without hosts configured, the one engine `DOCKER_HOST` names is used.
 * @module
 */
import Dockerode from "dockerode";
import { DOCKER_HOST_URL } from "../config/mini-config.js";

/** The label naming the host a container was placed on (with `docker_hosts`). */
export const DOCKER_HOST_LABEL = "thunderagent.docker_host";

/** dockerode's options for a host URL (`unix:///run/podman/podman.sock`, `tcp://h:2375`, `ssh://u@h`). */
export function dockerOptionsFor(url: string): Dockerode.DockerOptions {
  if (!DOCKER_HOST_URL.test(url)) {
    throw new Error(
      `not a Docker host URL: ${url} (unix:///path, tcp://host:port or ssh://user@host)`,
    );
  }
  const u = new URL(url);
  if (u.protocol === "unix:") return { socketPath: decodeURIComponent(u.pathname) };
  if (u.protocol === "ssh:") {
    return {
      protocol: "ssh",
      host: u.hostname,
      port: u.port ? Number(u.port) : 22,
      ...(u.username ? { username: u.username } : {}),
    };
  }
  return {
    protocol: u.protocol === "https:" ? "https" : "http",
    host: u.hostname,
    port: u.port ? Number(u.port) : 2375,
  };
}

const clients = new Map<string, Dockerode>();

/** This process's one dockerode client for a host URL. */
export function dockerFor(url: string): Dockerode {
  let docker = clients.get(url);
  if (!docker) {
    docker = new Dockerode(dockerOptionsFor(url));
    clients.set(url, docker);
  }
  return docker;
}

/** Errors that mean the host itself is gone (not the image, not the container). */
export function isHostFailure(error: unknown): boolean {
  const text = `${(error as Error)?.message ?? ""} ${String((error as { cause?: unknown })?.cause ?? "")}`;
  return /ECONNREFUSED|ENOENT|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|ENOTFOUND|EPIPE|socket hang up|unreachable|no answer/i.test(
    text,
  );
}
