/**
 * Two real Docker-API hosts: the local Podman socket and a Podman service reached over TCP in a
 * network namespace (`.ci/provision-remote-podman`, its own storage). A `--procs 2` run with slot
 * counts places containers on both hosts and never more than the slots at once (the runner owns
 * the counts of both processes); the TCP service is killed under a running agent: the host is
 * drained, its instance is started again on the local host and everything is Submitted; the
 * service comes back and the end-of-run sweep leaves no container on either host. The runner's
 * health pings drain the TCP host when it stops answering while its agent waits on the model (no
 * command fails there), move that instance to the local host, and bring the host back once it
 * answers again, where the next instance goes. The pre-run image check stops a run whose image no
 * host can pull, naming the image and each host. Skipped without the pair unless
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
import { waitUntil } from "./helpers/mid-run.js";
import { RunGuard } from "./helpers/run-guard.js";
import { tempDirs } from "./helpers/temp-dirs.js";

// The timing lines below are for docs/results/agent.md.
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

  it("a host that stops answering pings while its agent waits is drained by the pings; the instance finishes on the other; back in, it takes the next; none left", async (test) => {
    if (unavailable) expect.fail(unavailable);
    const health = { interval_s: 1, fail_after: 2, recover_after: 2 };
    const TIMEOUT_S = 1;
    // The containers on the TCP host (polled), and a gate on every model reply: closed from the
    // first request of an agent whose container is there until the host is back in, so that its
    // agent is waiting on the model (no command runs there) when the service is killed, and the
    // instances not yet started start after the host is back.
    const onRemote = new Map<string, { instance: string; seenAt: number }>();
    let open: () => void = () => undefined;
    let gate: Promise<void> | null = null;
    let heldOnRemote: string | null = null; // the instance whose agent waits there
    const server = await serve({
      delayMs: 300,
      hold: ({ dockerIds }) => {
        const there = dockerIds.map((id) => onRemote.get(id)).find((c) => c !== undefined);
        if (!gate && there) {
          heldOnRemote = there.instance;
          gate = new Promise<void>((r) => (open = r));
        }
        return gate ?? undefined;
      },
    });
    const config = resolveConfig(
      [
        "swebench.yaml",
        `environment.image=${IMAGE}`,
        "environment.timeout=30",
        `environment.docker_health.timeout_s=${TIMEOUT_S}`,
      ],
      {
        baseUrl: server.url,
        environmentClass: "docker",
        dockerHosts: [`${LOCAL}=3`, `${REMOTE}=1`],
        dockerHealth: health,
      },
    );
    expect(config.environment.docker_health).toEqual({ ...health, timeout_s: TIMEOUT_S });
    await preflight(config, { warn: (line) => expect.fail(line) });

    const out = dirs.make();
    const runId = `ping-${Date.now()}`;
    const log = () => readFileSync(join(out, "run.log"), "utf8");
    // On failure, what run.log says about the hosts and restarts (for CI).
    test.onTestFailed(() => {
      const lines = existsSync(join(out, "run.log")) ? log().split("\n") : [];
      const about = lines.filter((l) => /docker host|starting the instance again|finished/.test(l));
      console.log(`[swebench remote host] run.log:\n${about.join("\n")}`);
    });
    const where = new Map<string, Set<string>>(); // instance id -> hosts it ran on
    let polling = true;
    const poller = (async () => {
      while (polling) {
        for (const host of [LOCAL, REMOTE]) {
          const list = await runContainers(runId, host).catch(() => null);
          for (const c of list ?? []) {
            const id = c.Labels["thunderagent.instance_id"]!;
            where.set(id, new Set([...(where.get(id) ?? []), host]));
            if (host === REMOTE && !onRemote.has(c.Id))
              onRemote.set(c.Id, { instance: id, seenAt: Date.now() });
          }
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const drainLine = `docker host ${REMOTE} taken out: no answer to ${health.fail_after} health pings in a row`;
    const times = { killing: 0, killed: 0, upping: 0, up: 0 };
    // Kill the service once an agent there waits; wait for the pings to drain the host; bring the
    // service back; once the pings have taken the host back in, let the model answer again.
    const scenario = (async () => {
      await waitUntil(() => gate !== null, { what: "an agent on the TCP host", timeoutMs: 60_000 });
      times.killing = Date.now();
      await remote("stop-service");
      times.killed = Date.now();
      await waitUntil(() => log().includes(drainLine), {
        what: "the ping drain",
        timeoutMs: 20_000,
      });
      times.upping = Date.now();
      await remote("up");
      times.up = Date.now();
      await waitUntil(() => log().includes(`docker host ${REMOTE} back in`), {
        what: "the host back in",
        timeoutMs: 20_000,
      });
    })().finally(() => open()); // a failed step must not leave the run waiting
    const started = Date.now();
    const run = runBatch({
      subset: "sample",
      split: "test",
      workers: 3,
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
    await scenario;
    const elapsedS = (Date.now() - started) / 1000;

    expect(summary.exitStatuses).toEqual({ Submitted: 6 });
    // When run.log says it happened (pino's time, ms): the drain, the missed ping just before
    // it (fail_after 2), back in.
    const lines = log()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { time: number; msg: string });
    const last = (prefix: string, before = Infinity) =>
      lines.filter((l) => l.msg.startsWith(prefix) && l.time <= before).at(-1)?.time ?? NaN;
    const drained = last(drainLine);
    const missed = last(`docker host ${REMOTE} missed a health ping`, drained);
    const back = last(`docker host ${REMOTE} back in`);
    // The service died between the two ends of the kill command; refused pings every second
    // drain it within about fail_after intervals of that (plus room for a loaded machine).
    expect(missed).toBeGreaterThanOrEqual(times.killing);
    expect(drained).toBeGreaterThan(missed);
    expect(drained - times.killed).toBeLessThan(
      (health.fail_after * health.interval_s + TIMEOUT_S + 2) * 1000,
    );
    const text = log();
    // Drained by the pings only, once: no command or create failed there first.
    expect(text.split(`docker host ${REMOTE} taken out`)).toHaveLength(2);
    expect(text).toContain(`docker host ${REMOTE} failed: no answer to 2 health pings`);
    expect(text).toContain("starting the instance again");
    // The instance whose agent waited there finished on the local host.
    expect(heldOnRemote).not.toBeNull();
    expect([...where.get(heldOnRemote!)!].sort()).toEqual([REMOTE, LOCAL].sort());
    const moved = [...where].filter(([, hosts]) => hosts.size === 2).map(([id]) => id);
    expect(moved).toEqual([heldOnRemote]);
    // Back in, the host took the next instance (the least loaded again).
    const placedAfter = [...onRemote.values()].filter((c) => c.seenAt > back);
    expect(placedAfter.length).toBeGreaterThanOrEqual(1);
    expect(await runContainers(runId, LOCAL)).toHaveLength(0);
    expect(await runContainers(runId, REMOTE)).toHaveLength(0);
    const s = (ms: number) => (ms / 1000).toFixed(2);
    console.log(
      `[swebench remote host] pings every ${health.interval_s} s (drain after ${health.fail_after}, ` +
        `back after ${health.recover_after}): kill command ${s(times.killed - times.killing)} s, ` +
        `missed ping ${s(missed - times.killing)} s after it began, drained ${s(drained - missed)} s ` +
        `later (${s(drained - times.killing)} s after the kill began); up command ` +
        `${s(times.up - times.upping)} s, back in ${s(back - times.up)} s after it; moved ` +
        `${moved.join(", ")}; placed there after: ${placedAfter.map((c) => c.instance).join(", ")}; ` +
        `6/6 Submitted in ${elapsedS.toFixed(1)} s; 0 containers left`,
    );
  }, 240_000);

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
