/**
 * Several Docker-API hosts (`environment.docker_hosts`, the runner's `--docker-host`): their URLs
 * as dockerode options and clients, the label naming a container's host, and which errors mean
 * the host itself is gone. Placement and slots: host-slots.ts; the pre-run image check:
 * host-images.ts. Without hosts configured, the one engine `DOCKER_HOST` names is used.
 * @module
 */
import type { Agent } from "node:http";
import Dockerode from "dockerode";
import { DOCKER_HOST_FORMS, DOCKER_HOST_URL, type DockerHostEntry } from "../config/mini-config.js";
import { HOST_ACCESS_ERROR, SshDockerAgent, localUser } from "./host-ssh.js";
import { TlsDockerAgent } from "./host-tls.js";

/** The label naming the host a container was placed on (with `docker_hosts`). */
export const DOCKER_HOST_LABEL = "thunderagent.docker_host";

/** dockerode's options (docker-modem takes an http.Agent, which its types leave out). */
export type DockerHostOptions = Dockerode.DockerOptions & { agent?: Agent };

/**
 * dockerode's options for a host (`unix:///run/podman/podman.sock`, `tcp://h:2375`,
 * `https://h:2376`, `ssh://u@h`; or its `docker_hosts` entry with `identity`, `known_hosts`, `tls`):
 * ssh:// and TLS hosts get an agent that authenticates as the docker CLI would (host-ssh.ts,
 * host-tls.ts); `tcp://` is plain HTTP unless the entry has a `tls` directory.
 */
export function dockerOptionsFor(host: string | DockerHostEntry): DockerHostOptions {
  const entry = typeof host === "string" ? { url: host } : host;
  const url = entry.url;
  if (!DOCKER_HOST_URL.test(url)) {
    throw new Error(`not a Docker host URL: ${url} (${DOCKER_HOST_FORMS})`);
  }
  const u = new URL(url);
  if (u.protocol === "unix:") return { socketPath: decodeURIComponent(u.pathname) };
  if (u.protocol === "ssh:") {
    const target = {
      host: u.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: u.port ? Number(u.port) : 22,
      username: u.username ? decodeURIComponent(u.username) : localUser(),
      ...(entry.identity !== undefined ? { identity: entry.identity } : {}),
      ...(entry.known_hosts !== undefined ? { knownHosts: entry.known_hosts } : {}),
    };
    // Plain HTTP over the agent's SSH channels (docker-modem's own ssh mode has no keys).
    return {
      protocol: "http",
      host: target.host,
      port: target.port,
      agent: new SshDockerAgent(target),
    };
  }
  const port = u.port ? Number(u.port) : u.protocol === "https:" ? 2376 : 2375;
  if (u.protocol === "https:" || entry.tls !== undefined) {
    return { protocol: "https", host: u.hostname, port, agent: new TlsDockerAgent(entry.tls) };
  }
  return { protocol: "http", host: u.hostname, port };
}

const clients = new Map<string, Dockerode>();
const entries = new Map<string, DockerHostEntry>();

/**
 * This process's one dockerode client for a host: by its `docker_hosts` entry (remembered for its
 * URL), or by URL (the entry last seen for it, else the URL alone).
 */
export function dockerFor(host: string | DockerHostEntry): Dockerode {
  if (typeof host !== "string") entries.set(host.url, host);
  const entry = typeof host === "string" ? (entries.get(host) ?? { url: host }) : host;
  const key = JSON.stringify([entry.url, entry.identity, entry.known_hosts, entry.tls]);
  let docker = clients.get(key);
  if (!docker) {
    docker = new Dockerode(dockerOptionsFor(entry));
    clients.set(key, docker);
  }
  return docker;
}

/** Errors that mean the host itself is gone (not the image, not the container). */
export function isHostFailure(error: unknown): boolean {
  if ((error as { code?: unknown })?.code === HOST_ACCESS_ERROR) return true; // ssh/TLS refusal
  const text = `${(error as Error)?.message ?? ""} ${String((error as { cause?: unknown })?.cause ?? "")}`;
  return /ECONNREFUSED|ENOENT|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|ENOTFOUND|EPIPE|socket hang up|unreachable|no answer/i.test(
    text,
  );
}
