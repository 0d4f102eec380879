/**
 * The container engine (Podman's Docker API) as the docker tests see it: its socket (from
 * DOCKER_HOST), a GET on it, and whether it is usable (the provisioned testbed image present).
 */
import { request } from "node:http";
import { sweBenchImageName } from "@thunderagent/protocol";

export const REQUIRED = process.env["REQUIRE_CONTAINER_ENGINE"] === "1";
export const IMAGE = sweBenchImageName({ instance_id: "thunderagent__testbed-1" });
export const socket = (process.env["DOCKER_HOST"] ?? "unix:///var/run/docker.sock").replace(
  /^unix:\/\//,
  "",
);

export function engineGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, method: "GET", timeout: 30_000 }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}

/** null when the engine answers and has {@link IMAGE}; else why not. */
export async function probe(): Promise<string | null> {
  try {
    const img = await engineGet(`/images/${encodeURIComponent(IMAGE)}/json`);
    return img.status === 200 ? null : `no image ${IMAGE} on the engine`;
  } catch (error) {
    return `no container engine at ${socket} (${(error as Error).message})`;
  }
}
