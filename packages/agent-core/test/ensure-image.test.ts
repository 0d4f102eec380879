/**
 * Pull errors reported inside the progress stream (a failed pull still answers HTTP 200): a
 * boundary double for the engine's pull endpoint, because no registry is reachable here. The
 * real engine's behaviour is covered by the docker contract suite.
 */
import { Readable } from "node:stream";
import Dockerode from "dockerode";
import { describe, expect, it } from "vitest";
import { ensureImage } from "../src/docker/index.js";
import { EnvironmentError } from "../src/index.js";

function engineWithPull(events: object[]): Dockerode {
  const docker = new Dockerode({ socketPath: "/nonexistent.sock" });
  const fake = docker as unknown as {
    getImage: () => { inspect: () => Promise<never> };
    pull: () => Promise<Readable>;
  };
  fake.getImage = () => ({
    inspect: () => Promise.reject(Object.assign(new Error("no such image"), { statusCode: 404 })),
  });
  fake.pull = async () => Readable.from(events.map((e) => `${JSON.stringify(e)}\n`));
  return docker;
}

describe("ensureImage", () => {
  it("detects an error event in a 200 pull stream", async () => {
    const docker = engineWithPull([
      { status: "Trying to pull docker.io/swebench/x:latest..." },
      {
        error: "initializing source: connection refused",
        errorDetail: { message: "initializing source: connection refused" },
      },
    ]);
    const err = await ensureImage(docker, "docker.io/swebench/x:latest", true, 10).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toBe(
      "cannot pull image docker.io/swebench/x:latest: initializing source: connection refused",
    );
  });

  it("succeeds on a clean pull stream", async () => {
    const docker = engineWithPull([{ status: "Pulling" }, { status: "Download complete" }]);
    await expect(
      ensureImage(docker, "docker.io/swebench/x:latest", true, 10),
    ).resolves.toBeUndefined();
  });

  it("reports an unreachable engine clearly", async () => {
    const docker = new Dockerode({ socketPath: "/nonexistent.sock" });
    await expect(ensureImage(docker, "x:latest", true, 10)).rejects.toThrow(
      /container engine unreachable/,
    );
  });
});
