/**
 * --docker-gc against a real Docker-API engine (rootful Podman, docs/container-engine.md): of two
 * containers named by program p1, only the one labelled thunderagent.program_id=p1 is removed.
 * Skipped with a message when no engine (or no image to create containers from) is reachable.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import Docker from "dockerode";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { PROGRAM_ID_LABEL } from "@thunderagent/protocol";
import { DockerGc } from "../src/docker-gc.js";

const PODMAN_SOCKET = "/run/podman/podman.sock";
const docker =
  process.env["DOCKER_HOST"] || !existsSync(PODMAN_SOCKET)
    ? new Docker()
    : new Docker({ socketPath: PODMAN_SOCKET });

async function usableImage(): Promise<string | null> {
  try {
    await docker.ping();
    const images = await docker.listImages();
    return images.find((i) => (i.RepoTags ?? []).length > 0)?.RepoTags?.[0] ?? null;
  } catch {
    return null;
  }
}
const image = await usableImage();
const created: string[] = [];

afterAll(async () => {
  for (const name of created)
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => {});
});

describe.skipIf(image === null)("--docker-gc against Podman's Docker API", () => {
  it("removes the container labelled for the program, leaves another program's alone", async () => {
    const run = randomUUID().slice(0, 8);
    const make = async (name: string, owner: string) => {
      created.push(name);
      await docker.createContainer({
        name,
        Image: image!,
        Cmd: ["true"],
        Labels: { [PROGRAM_ID_LABEL]: owner },
      });
    };
    await make(`gc-mine-${run}`, "p1");
    await make(`gc-theirs-${run}`, "p2");
    const gc = new DockerGc(pino({ level: "silent" }), docker);
    await gc.remove("p1", [`gc-mine-${run}`, `gc-theirs-${run}`]);
    expect(gc).toMatchObject({ removed: 1, refused: 1, failed: 0 });
    await expect(docker.getContainer(`gc-mine-${run}`).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
    const theirs = await docker.getContainer(`gc-theirs-${run}`).inspect();
    expect(theirs.Config.Labels[PROGRAM_ID_LABEL]).toBe("p2");
  });
});
