/**
 * Several Docker-API hosts (`environment.docker_hosts`, the runner's `--docker-host`): their URLs
 * as dockerode options, and a pool that places each new container on the host with the fewest of
 * this process's containers running, takes a host that fails out (with one log line naming it and
 * why), and tries the next. Without hosts configured, the one engine `DOCKER_HOST` names is used.
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

export interface DockerHost {
  readonly url: string;
  readonly docker: Dockerode;
  /** Containers of this process on it now. */
  running: number;
  up: boolean;
}

export class DockerHostPool {
  readonly hosts: DockerHost[];

  constructor(urls: readonly string[]) {
    this.hosts = urls.map((url) => ({
      url,
      docker: new Dockerode(dockerOptionsFor(url)),
      running: 0,
      up: true,
    }));
  }

  /** The up host with the fewest running (the first such in the list), or null when none is up. */
  leastLoaded(): DockerHost | null {
    let best: DockerHost | null = null;
    for (const h of this.hosts) if (h.up && (!best || h.running < best.running)) best = h;
    return best;
  }

  /** Takes a host out for the rest of this process's run; the line to log (null if it was out). */
  takeOut(host: DockerHost, why: string): string | null {
    if (!host.up) return null;
    host.up = false;
    const left = this.hosts.filter((h) => h.up).map((h) => h.url);
    return `docker host ${host.url} taken out: ${why}; ${left.length} left${left.length ? ` (${left.join(", ")})` : ""}`;
  }
}

const pools = new Map<string, DockerHostPool>();

/** This process's pool for a list of hosts (one per list, so counts hold across instances). */
export function hostPool(urls: readonly string[]): DockerHostPool {
  const key = urls.join("\n");
  let pool = pools.get(key);
  if (!pool) {
    pool = new DockerHostPool(urls);
    pools.set(key, pool);
  }
  return pool;
}

/** Errors that mean the host itself is gone (not the image, not the container). */
export function isHostFailure(error: unknown): boolean {
  const text = `${(error as Error)?.message ?? ""} ${String((error as { cause?: unknown })?.cause ?? "")}`;
  return /ECONNREFUSED|ENOENT|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|ENOTFOUND|EPIPE|socket hang up|unreachable|no answer/i.test(
    text,
  );
}
