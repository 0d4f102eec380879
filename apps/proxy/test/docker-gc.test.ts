/**
 * --docker-gc removes only what belongs to the releasing program: ids outside the container-name
 * grammar are a 400 at the door (and never reach Docker), a container is removed only when it
 * carries thunderagent.program_id=<program>, and only the container endpoints are called. Against
 * a loopback Docker API in the engine's wire format (docker-gc-podman.test.ts does the same
 * against Podman when one runs).
 */
import { afterEach, describe, expect, it } from "vitest";
import { request } from "undici";
import pino from "pino";
import Docker from "dockerode";
import { DockerGc } from "../src/docker-gc.js";
import { startDockerApi } from "./helpers/docker-api.js";
import { startFaultUpstream } from "./helpers/fault-upstream.js";
import { startProxy, type ErrorBody } from "./helpers/harness.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

function dockerAt(host: string): Docker {
  const u = new URL(host.replace("tcp://", "http://"));
  return new Docker({ host: u.hostname, port: Number(u.port), protocol: "http" });
}

describe("--docker-gc: scoped to the program's own containers", () => {
  it("answers 400 for docker_ids outside the container-name grammar", async () => {
    const up = await startFaultUpstream();
    closers.push(() => up.close());
    const p = await startProxy({ backends: [up.url], dockerGc: true });
    closers.push(() => p.close());
    for (const bad of ["../images/ubuntu:22.04?force=true", "a/b", "-x", "x".repeat(129), "a b"]) {
      const res = await request(`${p.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ model: "m", messages: [], program_id: "p", docker_ids: [bad] }),
      });
      expect(res.statusCode).toBe(400);
      const body = (await res.body.json()) as ErrorBody;
      expect(body.error.param).toBe("docker_ids");
      expect(body.error.message).toMatch(/container-name|container ids or names/);
    }
    expect(up.hits).toBe(0);
  });

  it("removes the program's labelled containers only, through the container endpoints", async () => {
    const api = await startDockerApi({ mine: "p1", theirs: "p2", unlabelled: null });
    closers.push(() => api.close());
    const gc = new DockerGc(pino({ level: "silent" }), dockerAt(api.host));
    await gc.remove("p1", ["mine", "theirs", "unlabelled", "gone", "../volumes/important-data"]);
    expect(api.deleted).toEqual([expect.stringMatching(/^mine\?.*force=true/)]);
    expect(gc).toMatchObject({ removed: 2, refused: 3, failed: 0 }); // "gone" (404) counts as removed
    for (const line of api.requests) {
      expect(line).toMatch(
        /^(GET|DELETE) \/(v[\d.]+\/)?containers\/[a-zA-Z0-9][\w.-]*(\/json)?(\?|$)/,
      );
    }
    expect(api.requests.some((r) => r.includes("images") || r.includes("volumes"))).toBe(false);
  });
});
