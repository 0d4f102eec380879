/**
 * The runner with the docker environment against a real engine (Podman in CI): containers are
 * created from the configured image, labelled, and gone after a full run and after a stop.
 * Skipped without an engine unless REQUIRE_CONTAINER_ENGINE=1 (then it fails).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INSTANCE_ID_LABEL, PROGRAM_ID_LABEL } from "@thunderagent/agent-core";
import { CONTAINER_LABEL } from "@thunderagent/agent-core/docker";
import { afterEach, describe, expect, it } from "vitest";
import { resolveConfig, runBatch } from "../src/index.js";
import { type AgentServer, startAgentServer } from "./helpers/agent-server.js";
import { IMAGE, REQUIRED, engineGet, probe } from "./helpers/engine-api.js";
import { spawnRunner } from "./helpers/spawn-runner.js";
import { readValidatedOutput } from "./helpers/validate-output.js";

const unavailable = await probe();
if (unavailable && !REQUIRED) console.warn(`[swebench docker run] SKIPPED: ${unavailable}`);

async function ourContainers(runId: string, label = CONTAINER_LABEL): Promise<number> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`${label}=${runId}`] }));
  const res = await engineGet(`/containers/json?all=true&filters=${filters}`);
  return (JSON.parse(res.body) as unknown[]).length;
}

if (unavailable && REQUIRED) {
  describe("docker engine required", () => {
    it("REQUIRE_CONTAINER_ENGINE=1 but the engine is not usable", () => {
      expect.fail(unavailable);
    });
  });
}

describe.skipIf(unavailable !== null)("runner with the docker environment", () => {
  let server: AgentServer | null = null;
  const dirs: string[] = [];
  afterEach(async () => {
    await server?.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("runs instances in containers and removes them; a stop removes them too", async () => {
    server = await startAgentServer({ delayMs: 100 });
    const out = mkdtempSync(join(tmpdir(), "ta-docker-run-"));
    dirs.push(out);
    const config = resolveConfig(
      ["swebench.yaml", `environment.image=${IMAGE}`, "environment.timeout=30"],
      {
        baseUrl: server.url,
        environmentClass: "docker",
      },
    );
    const base = {
      subset: "sample",
      split: "test",
      workers: 3,
      output: out,
      config,
      progressStream: null,
    };
    const first = await runBatch({ ...base, slice: "0:3" });
    expect(first.exitStatuses).toEqual({ Submitted: 3 });
    // Every program sent its container as docker_ids (for the router's --docker-gc).
    expect(Object.keys(server.dockerIds).sort()).toEqual([...server.programIds].sort());
    for (const ids of Object.values(server.dockerIds)) expect(ids).toHaveLength(1);
    expect(await ourContainers(first.runId)).toBe(0);
    const { trajs } = readValidatedOutput(out);
    expect(trajs[0]!.info["environment"]).toMatchObject({ kind: "docker", image: IMAGE });
    // The commands ran in /testbed inside the container.
    expect(trajs[0]!.messages[3]!.content).toContain("<returncode>");

    const ac = new AbortController();
    const stopRunId = `stop-${Date.now()}`;
    const stopped = runBatch({ ...base, signal: ac.signal, runId: stopRunId });
    await new Promise((r) => setTimeout(r, 600));
    // Running containers carry their program's id (the proxy removes only what carries it).
    const filters = encodeURIComponent(
      JSON.stringify({ label: [PROGRAM_ID_LABEL, `${CONTAINER_LABEL}=${stopRunId}`] }),
    );
    const running = JSON.parse((await engineGet(`/containers/json?filters=${filters}`)).body) as {
      Id: string;
      Labels: Record<string, string>;
    }[];
    for (const c of running) {
      const program = c.Labels[PROGRAM_ID_LABEL]!;
      expect(program).toMatch(/^thunderagent__/);
      const sent = server.dockerIds[program];
      if (sent) expect(sent).toEqual([c.Id]);
    }
    ac.abort(new Error("stop"));
    const summary = await stopped;
    expect(summary.stopped).toBe(true);
    expect(summary.interrupted).toBeGreaterThan(0);
    expect(await ourContainers(summary.runId)).toBe(0);
    readValidatedOutput(out);
  }, 120_000);

  it("SIGINT to the runner process: exit 130, its containers removed, preds.json valid", async () => {
    server = await startAgentServer({ delayMs: 150 });
    const out = mkdtempSync(join(tmpdir(), "ta-docker-sigint-"));
    dirs.push(out);
    const p = spawnRunner([
      "--subset",
      "sample",
      "--filter",
      "thunderagent__calc-[456]",
      "-w",
      "3",
      "-o",
      out,
      "--environment-class",
      "docker",
      "--base-url",
      server.url,
      "-c",
      "swebench.yaml",
      "-c",
      `environment.image=${IMAGE}`,
    ]);
    const end = Date.now() + 60_000;
    while (server.requests < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    p.child.kill("SIGINT");
    const { code } = await p.exited;
    expect(code).toBe(130);
    for (const id of ["thunderagent__calc-4", "thunderagent__calc-5", "thunderagent__calc-6"]) {
      expect(await ourContainers(id, INSTANCE_ID_LABEL)).toBe(0);
    }
    readValidatedOutput(out);
  }, 120_000);
});
