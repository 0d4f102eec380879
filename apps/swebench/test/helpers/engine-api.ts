/**
 * The container engine (Podman's Docker API) as the docker tests see it: its socket (from
 * DOCKER_HOST), a GET on it (or on another host's engine), a run's containers there, and whether
 * it is usable (the provisioned testbed image present).
 */
import { request } from "node:http";
import { CONTAINER_LABEL, DOCKER_HOST_LABEL } from "@thunderagent/agent-core/docker";
import { sweBenchImageName } from "@thunderagent/protocol";

export const REQUIRED = process.env["REQUIRE_CONTAINER_ENGINE"] === "1";
export const IMAGE = sweBenchImageName({ instance_id: "thunderagent__testbed-1" });
export const socket = (process.env["DOCKER_HOST"] ?? "unix:///var/run/docker.sock").replace(
  /^unix:\/\//,
  "",
);

export function engineGet(path: string): Promise<{ status: number; body: string }> {
  return engineGetAt(`unix://${socket}`, path);
}

/** A GET on the engine at a Docker host URL (unix:///path or tcp://host:port). */
export function engineGetAt(host: string, path: string): Promise<{ status: number; body: string }> {
  const u = new URL(host);
  const where =
    u.protocol === "unix:"
      ? { socketPath: u.pathname }
      : { host: u.hostname, port: Number(u.port) };
  return new Promise((resolve, reject) => {
    const req = request({ ...where, path, method: "GET", timeout: 30_000 }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}

/** null when the engine at `host` (default: DOCKER_HOST's) answers and has {@link IMAGE}; else why not. */
export async function probe(host = `unix://${socket}`): Promise<string | null> {
  try {
    const img = await engineGetAt(host, `/images/${encodeURIComponent(IMAGE)}/json`);
    return img.status === 200 ? null : `no image ${IMAGE} on the engine at ${host}`;
  } catch (error) {
    return `no container engine at ${host} (${(error as Error).message})`;
  }
}

export interface ListedContainer {
  Id: string;
  Labels: Record<string, string>;
}

/** The containers (running or not) of run `runId` on the engine at `host` (default: DOCKER_HOST's). */
export async function runContainers(
  runId: string,
  host = `unix://${socket}`,
): Promise<ListedContainer[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`${CONTAINER_LABEL}=${runId}`] }));
  const res = await engineGetAt(host, `/containers/json?all=true&filters=${filters}`);
  return JSON.parse(res.body) as ListedContainer[];
}

/** What {@link watchRunContainers} saw while a run went. */
export interface WatchedContainers {
  /** Host label (`thunderagent.docker_host`) → the ids of the run's containers seen on it. */
  byHost: Map<string, Set<string>>;
  /** The most containers of the run listed at once. */
  peak: number;
  stop(): void;
}

/**
 * Lists run `runId`'s containers every `everyMs` until `stop()`, keeping each one's host label
 * and the peak count (a failed listing is skipped: the engine may be busy).
 */
export function watchRunContainers(runId: string, everyMs = 200): WatchedContainers {
  const seen: WatchedContainers = { byHost: new Map(), peak: 0, stop: () => undefined };
  const poll = setInterval(() => {
    void runContainers(runId).then(
      (list) => {
        seen.peak = Math.max(seen.peak, list.length);
        for (const c of list) {
          const host = c.Labels[DOCKER_HOST_LABEL] ?? "";
          seen.byHost.set(host, (seen.byHost.get(host) ?? new Set()).add(c.Id));
        }
      },
      () => undefined,
    );
  }, everyMs);
  seen.stop = () => clearInterval(poll);
  return seen;
}
