/**
 * The environment contract against a real Docker-API engine (rootful Podman in CI, see
 * .ci/provision-container-engine). Without an engine the suite is skipped with a message, unless
 * REQUIRE_CONTAINER_ENGINE=1, in which case it fails.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { type Socket, connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { sweBenchImageName } from "@thunderagent/protocol";
import { afterAll, describe, expect, it } from "vitest";
import {
  CONTAINER_LABEL,
  DockerEnvironment,
  removeLabelledContainers,
} from "../src/docker/index.js";
import { EnvironmentError, EnvironmentSection } from "../src/index.js";
import { environmentContract } from "./environment-contract.js";

const REQUIRED = process.env["REQUIRE_CONTAINER_ENGINE"] === "1";
/** The instance whose SWE-bench image name the provisioner tags the test image with. */
const INSTANCE = { instance_id: "thunderagent__testbed-1" };
const IMAGE = sweBenchImageName(INSTANCE);
const RUN_ID = `contract-${randomUUID()}`;

const docker = new Dockerode();
async function probe(): Promise<string | null> {
  try {
    await docker.ping();
  } catch (error) {
    return `no container engine at ${process.env["DOCKER_HOST"] ?? "the default socket"} (${(error as Error).message})`;
  }
  try {
    await docker.getImage(IMAGE).inspect();
  } catch {
    return `the engine answers but has no image ${IMAGE} (run .ci/provision-container-engine)`;
  }
  return null;
}
const unavailable = await probe();

if (unavailable && !REQUIRED) {
  console.warn(
    `[docker contract suite] SKIPPED: ${unavailable}. Set up an engine with .ci/provision-container-engine; REQUIRE_CONTAINER_ENGINE=1 turns this skip into a failure.`,
  );
}

if (unavailable && REQUIRED) {
  describe("docker engine required", () => {
    it("REQUIRE_CONTAINER_ENGINE=1 but the engine is not usable", () => {
      expect.fail(`REQUIRE_CONTAINER_ENGINE=1: ${unavailable}`);
    });
  });
}

const config = EnvironmentSection.parse({
  environment_class: "docker",
  cwd: "/testbed",
  timeout: 20,
  env: { PAGER: "cat", FOO: "bar baz" },
  pull_timeout: 30,
});

describe.skipIf(unavailable !== null)("docker environment", () => {
  afterAll(async () => {
    await removeLabelledContainers({ docker, runId: RUN_ID });
  });

  environmentContract("docker", {
    make: () => DockerEnvironment.create({ config, image: IMAGE, docker, runId: RUN_ID }),
    expectedCwd: () => "/testbed",
  });

  it("labels its container and force-removes it on close", async () => {
    const env = await DockerEnvironment.create({
      config,
      image: IMAGE,
      docker,
      runId: RUN_ID,
      labels: { "org.thunderagent.instance": INSTANCE.instance_id },
    });
    const info = await env.container.inspect();
    expect(info.Config.Labels[CONTAINER_LABEL]).toBe(RUN_ID);
    expect(info.Config.Labels["org.thunderagent.instance"]).toBe(INSTANCE.instance_id);
    expect(info.State.Running).toBe(true);
    await env.close();
    await expect(env.container.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("gives the exit code even when the engine has forgotten the exec session", async () => {
    // A loaded engine answers late: here every exec inspect reaches Podman 30 s late, after
    // it has removed the ended session (exit_command_delay: 10 s in CI's containers.conf). An
    // exit code read with an inspect is then a 404; one carried in the output is not.
    const slow = await slowExecInspectProxy(30_000);
    try {
      const env = await DockerEnvironment.create({
        config,
        image: IMAGE,
        docker: new Dockerode({ socketPath: slow.socketPath }),
        runId: RUN_ID,
      });
      try {
        const r = await env.execute("printf 'no newline'; exit 7");
        expect(r).toEqual({ output: "no newline", returncode: 7 });
        expect(slow.inspects()).toBe(0);
      } finally {
        await env.close();
      }
    } finally {
      await slow.close();
    }
  }, 90_000);

  it("reports a missing image clearly (pull disabled, and pull failing)", async () => {
    const image = `localhost/thunderagent-missing-${randomUUID().slice(0, 8)}:latest`;
    await expect(
      DockerEnvironment.create({ config, image, docker, runId: RUN_ID, pull: false }),
    ).rejects.toThrow(EnvironmentError);
    const err = await DockerEnvironment.create({
      config: { ...config, pull_timeout: 30 },
      image,
      docker,
      runId: RUN_ID,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toContain(`cannot pull image ${image}`);
  }, 60_000);
});

/**
 * A unix-socket relay to the engine that holds back each exec inspect request
 * (`GET …/exec/<id>/json`) for `delayMs`, as an engine too busy to answer would; everything else
 * (the hijacked exec streams too) passes at once.
 */
async function slowExecInspectProxy(delayMs: number): Promise<{
  socketPath: string;
  inspects: () => number;
  close: () => Promise<void>;
}> {
  const target = new URL(process.env["DOCKER_HOST"] ?? "unix:///var/run/docker.sock");
  const dir = mkdtempSync(join(tmpdir(), "ta-slow-engine-"));
  const socketPath = join(dir, "engine.sock");
  const sockets = new Set<Socket>();
  let inspects = 0;
  const server = createServer((client) => {
    const upstream =
      target.protocol === "unix:"
        ? connect(target.pathname)
        : connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let queue = Promise.resolve();
    client.on("data", (chunk: Buffer) => {
      const late = /^GET [^ ]*\/exec\/[0-9a-f]+\/json/.test(chunk.toString("latin1", 0, 200));
      if (late) inspects++;
      queue = queue
        .then(() => (late ? new Promise((r) => setTimeout(r, delayMs)) : undefined))
        .then(() => void upstream.write(chunk));
    });
    upstream.pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
  return {
    socketPath,
    inspects: () => inspects,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
