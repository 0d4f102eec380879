/**
 * An `ssh://` Docker host for real: an OpenSSH server on a loopback port whose authorized_keys
 * forces `socat - UNIX-CONNECT:<the Podman socket>` (Podman has no `docker system dial-stdio`;
 * helpers/remote-fronts.ts), logged into with a per-host key (`identity`) and its host key
 * checked against a per-host known_hosts file, given as `--docker-host` text. Instances run over
 * the unix socket and the ssh host: all Submitted, both hosts' labels seen, nothing left. A key
 * the server refuses, a host key not in known_hosts and a closed port are each one start-up line
 * naming the host (taken out); with none usable the runner refuses to start (exit 2) before any
 * agent. Skipped without Podman, sshd or socat unless REQUIRE_CONTAINER_ENGINE=1 (then it fails).
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { allowConsole } from "../../../testing/console-guard.js";
import { preflight, resolveConfig, runBatch } from "../src/index.js";
import { type AgentServer, startAgentServer } from "./helpers/agent-server.js";
import {
  IMAGE,
  REQUIRED,
  probe,
  runContainers,
  socket,
  watchRunContainers,
} from "./helpers/engine-api.js";
import { type SshFront, sshFrontUnavailable, startSshFront } from "./helpers/remote-fronts.js";
import { RunGuard } from "./helpers/run-guard.js";
import { spawnRunner } from "./helpers/spawn-runner.js";
import { tempDirs } from "./helpers/temp-dirs.js";

// The timing line below is for docs/results/agent.md.
allowConsole();

const LOCAL = `unix://${socket}`;
const unavailable = (await probe()) ?? (await sshFrontUnavailable());
if (unavailable && !REQUIRED) console.warn(`[swebench ssh host] SKIPPED: ${unavailable}`);

describe.skipIf(unavailable !== null && !REQUIRED)("an ssh:// Docker host (sshd + socat)", () => {
  let server: AgentServer | null = null;
  let front: SshFront | null = null;
  const guard = new RunGuard();
  const tmp = tempDirs("ta-ssh-host-");
  afterAll(async () => {
    await guard.end();
    tmp.removeAll();
    await front?.stop();
    await server?.close();
  }, 60_000);
  const ready = async () => {
    if (unavailable) expect.fail(unavailable);
    server ??= await startAgentServer({ delayMs: 200 });
    front ??= await startSshFront(tmp.make(), socket);
    return { server, front };
  };

  it("instances over a unix and an ssh host: Submitted, each host's label, none left", async () => {
    const { server, front } = await ready();
    const ssh = `${front.url}=2,identity=${front.identity},known_hosts=${front.knownHosts}`;
    const config = resolveConfig(
      ["swebench.yaml", `environment.image=${IMAGE}`, "environment.timeout=30"],
      { baseUrl: server.url, environmentClass: "docker", dockerHosts: [`${LOCAL}=1`, ssh] },
    );
    expect(config.environment.docker_hosts[1]).toEqual({
      url: front.url,
      slots: 2,
      identity: front.identity,
      known_hosts: front.knownHosts,
    });
    await preflight(config, { warn: (line) => expect.fail(line) });

    const out = join(tmp.make(), "out");
    const runId = `ssh-host-${Date.now()}`;
    guard.track(config, runId);
    const watched = watchRunContainers(runId);
    const started = Date.now();
    const summary = await runBatch({
      subset: "sample",
      split: "test",
      slice: "0:4",
      workers: 3,
      output: out,
      config,
      runId,
      progressStream: null,
      signal: guard.signal,
    }).finally(() => watched.stop());
    const elapsedS = (Date.now() - started) / 1000;

    expect(summary.exitStatuses).toEqual({ Submitted: 4 });
    expect([...watched.byHost.keys()].sort()).toEqual([LOCAL, front.url].sort());
    const onSsh = watched.byHost.get(front.url)!.size;
    expect(onSsh).toBeGreaterThanOrEqual(1);
    expect(await runContainers(runId)).toHaveLength(0);
    console.log(
      `[swebench ssh host] 4 instances over ${LOCAL}=1 + ssh=2 (sshd + socat): ` +
        `${elapsedS.toFixed(1)} s, ${onSsh} on ssh, ${front.accepted()} ssh logins`,
    );
  }, 90_000);

  it("a refused key, an unknown host key, a closed port: one line each; none usable: exit 2", async () => {
    const { server, front } = await ready();
    const badKey = `${front.url},identity=${front.strangerIdentity},known_hosts=${front.knownHosts}`;
    // The same server under a name known_hosts does not list.
    const unknownName = `ssh://root@localhost:${front.port}`;
    const unknown = `${unknownName},identity=${front.identity},known_hosts=${front.knownHosts}`;
    const closedUrl = `ssh://root@127.0.0.1:${front.closedPort}`;
    const closed = `${closedUrl},identity=${front.identity},known_hosts=off`;
    const config = resolveConfig(["swebench.yaml", `environment.image=${IMAGE}`], {
      baseUrl: server.url,
      environmentClass: "docker",
      dockerHosts: [LOCAL, badKey, unknown, closed],
    });
    const warnings: string[] = [];
    await preflight(config, { warn: (line) => warnings.push(line) });
    expect(config.environment.docker_hosts).toEqual([{ url: LOCAL }]);
    expect(warnings).toHaveLength(3);
    for (const line of warnings) expect(line).not.toContain("\n");
    // (With SSH_AUTH_SOCK set the agent is tried too and named after the key.)
    expect(warnings[0]).toContain(
      `the Docker host ${front.url} refuses the connection (ssh: the server refused root's keys ` +
        `(tried ${front.strangerIdentity}`,
    );
    expect(warnings[0]).toMatch(/\)\); taking it out$/);
    expect(warnings[1]).toMatch(
      new RegExp(
        `^the Docker host ${unknownName} refuses the connection \\(ssh: the host key of ` +
          `\\[localhost\\]:${front.port} \\(ssh-ed25519 SHA256:\\S+\\) is not in ` +
          `${front.knownHosts}: check the fingerprint and add it .*taking it out$`,
      ),
    );
    expect(warnings[2]).toBe(
      `the Docker host ${closedUrl} does not answer (ssh: connection refused by ` +
        `127.0.0.1:${front.closedPort} (ECONNREFUSED)); taking it out`,
    );

    // None usable: the runner refuses to start with the first host's line, before any agent.
    const requests = server.requests;
    const runner = spawnRunner([
      ...["--subset", "sample", "-o", join(tmp.make(), "out"), "--base-url", server.url],
      ...["--environment-class", "docker", "--docker-host", badKey, "--docker-host", closed],
    ]);
    const { code } = await runner.exited;
    const lines = runner.stderr().trimEnd().split("\n");
    expect(lines).toHaveLength(3); // each host named, then the refusal
    expect(lines[0]).toContain(`swebench: the Docker host ${front.url} refuses the connection`);
    expect(lines[1]).toContain(`swebench: the Docker host ${closedUrl} does not answer`);
    expect(lines[2]).toContain(
      `swebench: refusing to start: the Docker host ${front.url} refuses the connection ` +
        `(ssh: the server refused root's keys (tried ${front.strangerIdentity}`,
    );
    expect(code).toBe(2);
    expect(server.requests).toBe(requests);
  }, 60_000);
});
