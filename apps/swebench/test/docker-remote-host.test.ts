/**
 * Two real Docker-API hosts: the local Podman socket and a Podman service reached over TCP in a
 * network namespace (`.ci/provision-remote-podman`, its own storage). A `--procs 2` run with slot
 * counts places containers on both hosts and never more than the slots at once (the runner owns
 * the counts of both processes); the TCP service is killed under a running agent: the host is
 * drained, its instance is started again on the local host and everything is Submitted; the
 * service comes back and the end-of-run sweep leaves no container on either host. The pre-run
 * image check stops a run whose image no host can pull, naming the image and each host. Skipped without the pair unless
 * REQUIRE_REMOTE_DOCKER_HOST=1 (.ci/run provisions it; then it fails). The tests kill and restart
 * the one TCP service, so they stay in this file (run one after another).
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { DOCKER_HOST_LABEL } from "@thunderagent/agent-core/docker";
import { afterAll, describe, expect, it } from "vitest";
import { allowConsole } from "../../../testing/console-guard.js";
import { preflight, resolveConfig, runBatch } from "../src/index.js";
import { type AgentServer, startAgentServer } from "./helpers/agent-server.js";
import { IMAGE, probe, runContainers, socket } from "./helpers/engine-api.js";
import { RunGuard } from "./helpers/run-guard.js";
import { tempDirs } from "./helpers/temp-dirs.js";

// The timing line below is for docs/results/agent.md.
allowConsole();

const REMOTE = process.env["REMOTE_DOCKER_HOST"] ?? "tcp://10.203.0.2:12375";
const REQUIRED = process.env["REQUIRE_REMOTE_DOCKER_HOST"] === "1";
const LOCAL = `unix://${socket}`;
const SCRIPT = new URL("../../../.ci/provision-remote-podman", import.meta.url).pathname;
const unavailable = (await probe(LOCAL)) ?? (await probe(REMOTE));
if (unavailable && !REQUIRED) console.warn(`[swebench remote host] SKIPPED: ${unavailable}`);

const remote = (command: "up" | "stop-service") =>
  promisify(execFile)("bash", [SCRIPT, command], { timeout: 60_000 });

describe.skipIf(unavailable !== null && !REQUIRED)("a local and a TCP Podman host", () => {
  const servers: AgentServer[] = [];
  const dirs = tempDirs("ta-remote-host-");
  // A test that failed or timed out stops its run and sweeps what it left, on both hosts.
  const guard = new RunGuard();
  afterAll(async () => {
    // Leave the remote service up for the next run (a test that failed midway may have killed it).
    if (existsSync(SCRIPT)) await remote("up").catch(() => undefined);
    await guard.end();
    for (const s of servers) await s.close();
    dirs.removeAll();
  }, 60_000);
  const serve = async (options: Parameters<typeof startAgentServer>[0]) => {
    const s = await startAgentServer(options);
    servers.push(s);
    return s;
  };

  it("slots hold across --procs 2; a host killed mid-run is drained, its instance finishes on the other; none left", async () => {
    if (unavailable) expect.fail(unavailable);
    const server = await serve({ delayMs: 300 });
    const config = resolveConfig(
      ["swebench.yaml", `environment.image=${IMAGE}`, "environment.timeout=30"],
      {
        baseUrl: server.url,
        environmentClass: "docker",
        dockerHosts: [`${LOCAL}=2`, `${REMOTE}=1`],
      },
    );
    expect(config.environment.docker_hosts).toEqual([
      { url: LOCAL, slots: 2 },
      { url: REMOTE, slots: 1 },
    ]);
    await preflight(config, { warn: (line) => expect.fail(line) });

    const out = dirs.make();
    const runId = `remote-${Date.now()}`;
    const peak = { [LOCAL]: 0, [REMOTE]: 0 };
    const where = new Map<string, Set<string>>(); // instance id -> hosts it ran on
    let killed = false;
    let restarted: Promise<unknown> | null = null;
    const poll = async () => {
      for (const host of [LOCAL, REMOTE]) {
        const list = await runContainers(runId, host).catch(() => null);
        if (!list) continue;
        // An engine lists only its own containers (separate storage), each labelled with it.
        for (const c of list) expect(c.Labels[DOCKER_HOST_LABEL]).toBe(host);
        if (!killed || host === LOCAL) peak[host] = Math.max(peak[host]!, list.length);
        for (const c of list) {
          const id = c.Labels["thunderagent.instance_id"]!;
          where.set(id, new Set([...(where.get(id) ?? []), host]));
        }
        // Kill it once an agent runs there (its model request carried the container's id), so
        // that the host fails under a running agent, not during the container's start.
        const agents = new Set(Object.values(server.dockerIds).flat());
        if (host === REMOTE && !killed && list.some((c) => agents.has(c.Id))) {
          killed = true;
          await remote("stop-service");
        }
      }
      // Once the runner has drained it, the host comes back (so the final sweep reaches it).
      const log = killed && !restarted ? readFileSync(join(out, "run.log"), "utf8") : "";
      if (log.includes(`docker host ${REMOTE} taken out`)) restarted = remote("up");
    };
    let polling = true;
    const poller = (async () => {
      while (polling) {
        await poll();
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const started = Date.now();
    const run = runBatch({
      subset: "sample",
      split: "test",
      workers: 4,
      procs: 2,
      output: out,
      config,
      runId,
      progressStream: null,
      signal: guard.signal,
    });
    guard.track(config, runId, run);
    const summary = await run.finally(() => (polling = false));
    await poller;
    const elapsedS = (Date.now() - started) / 1000;

    expect(summary.exitStatuses).toEqual({ Submitted: 6 });
    expect(killed).toBe(true);
    expect(restarted).not.toBeNull();
    await restarted;
    // Never more than the slots at once, across both agent processes; both hosts were used.
    expect(peak[LOCAL]).toBe(2);
    expect(peak[REMOTE]).toBe(1);
    const log = readFileSync(join(out, "run.log"), "utf8");
    expect(log).toContain(`docker host ${REMOTE} taken out`);
    expect(log).toContain("starting the instance again");
    // The instance that was on the killed host ran again on the local one.
    const moved = [...where].filter(([, hosts]) => hosts.size === 2).map(([id]) => id);
    expect(moved).toHaveLength(1);
    // The end-of-run sweep reached the host once it was back: nothing of the run on either.
    expect(await runContainers(runId, LOCAL)).toHaveLength(0);
    expect(await runContainers(runId, REMOTE)).toHaveLength(0);
    console.log(
      `[swebench remote host] 6 instances over ${LOCAL}=2 + ${REMOTE}=1, --procs 2: ` +
        `${elapsedS.toFixed(1)} s, moved ${moved.join(", ")}`,
    );
  }, 90_000);

  it("an image no host has or can pull stops the run before any worker, naming it and each host", async () => {
    if (unavailable) expect.fail(unavailable);
    const server = await serve({ delayMs: 300 });
    const image = "127.0.0.1:9/thunderagent/not-there:latest";
    const config = resolveConfig(["swebench.yaml", `environment.image=${image}`], {
      baseUrl: server.url,
      environmentClass: "docker",
      dockerHosts: [`${LOCAL}=2`, REMOTE],
    });
    const out = dirs.make();
    const requests = server.requests;
    const run = runBatch({
      subset: "sample",
      split: "test",
      workers: 2,
      output: out,
      config,
      progressStream: null,
    });
    const error = await run.then(
      () => expect.fail("the run started"),
      (e: Error) => e,
    );
    expect(error.message).toContain(`image ${image} is on none of the Docker hosts`);
    expect(error.message).toContain(`${LOCAL}: `);
    expect(error.message).toContain(`${REMOTE}: `);
    expect(server.requests).toBe(requests); // no agent started
  }, 60_000);
});
