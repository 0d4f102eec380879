/**
 * A Docker host over TLS for real: certificates made with openssl (a CA, a server certificate for
 * 127.0.0.1/localhost, a client certificate; a second CA), and a TLS front that requires a client
 * certificate of the CA, piping to the Podman socket (helpers/remote-fronts.ts). Instances run on
 * `https://127.0.0.1:PORT` with its `tls` directory (Docker's ca.pem, cert.pem, key.pem): all
 * Submitted, labelled with the host, nothing left; DOCKER_CERT_PATH is the default directory. A
 * directory without the client certificate and one with another CA are each one start-up line
 * naming the host; with none usable the runner refuses to start (exit 2) before any agent.
 * Skipped without Podman or openssl unless REQUIRE_CONTAINER_ENGINE=1 (then it fails).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
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
import { type TlsFront, startTlsFront } from "./helpers/remote-fronts.js";
import { RunGuard } from "./helpers/run-guard.js";
import { spawnRunner } from "./helpers/spawn-runner.js";
import { tempDirs } from "./helpers/temp-dirs.js";

// The timing line below is for docs/results/agent.md.
allowConsole();

const noOpenssl = await promisify(execFile)("openssl", ["version"]).then(
  () => null,
  () => "no openssl",
);
const unavailable = (await probe()) ?? noOpenssl;
if (unavailable && !REQUIRED) console.warn(`[swebench tls host] SKIPPED: ${unavailable}`);

describe.skipIf(unavailable !== null && !REQUIRED)(
  "an https:// Docker host (client certificates)",
  () => {
    let server: AgentServer | null = null;
    let front: TlsFront | null = null;
    const guard = new RunGuard();
    const tmp = tempDirs("ta-tls-host-");
    afterAll(async () => {
      await guard.end();
      tmp.removeAll();
      await front?.stop();
      await server?.close();
    }, 60_000);
    const ready = async () => {
      if (unavailable) expect.fail(unavailable);
      server ??= await startAgentServer({ delayMs: 200 });
      front ??= await startTlsFront(tmp.make(), socket);
      return { server, front };
    };

    it("instances over an https host: Submitted, labelled, none left; DOCKER_CERT_PATH as default", async () => {
      const { server, front } = await ready();
      const url = `https://127.0.0.1:${front.port}`;
      const config = resolveConfig(
        ["swebench.yaml", `environment.image=${IMAGE}`, "environment.timeout=30"],
        {
          baseUrl: server.url,
          environmentClass: "docker",
          dockerHosts: [`${url}=3,tls=${front.dirs.good}`],
        },
      );
      expect(config.environment.docker_hosts).toEqual([{ url, slots: 3, tls: front.dirs.good }]);
      await preflight(config, { warn: (line) => expect.fail(line) });

      const out = join(tmp.make(), "out");
      const runId = `tls-host-${Date.now()}`;
      guard.track(config, runId);
      const watched = watchRunContainers(runId);
      const started = Date.now();
      const summary = await runBatch({
        subset: "sample",
        split: "test",
        slice: "0:3",
        workers: 3,
        output: out,
        config,
        runId,
        progressStream: null,
        signal: guard.signal,
      }).finally(() => watched.stop());
      const elapsedS = (Date.now() - started) / 1000;

      expect(summary.exitStatuses).toEqual({ Submitted: 3 });
      expect([...watched.byHost.keys()]).toEqual([url]);
      const peak = watched.peak;
      expect(peak).toBeGreaterThanOrEqual(1);
      expect(await runContainers(runId)).toHaveLength(0);
      const connections = front.authorized();
      expect(connections).toBeGreaterThan(0);

      // No tls directory: DOCKER_CERT_PATH's (the server's certificate names localhost too).
      const before = process.env["DOCKER_CERT_PATH"];
      process.env["DOCKER_CERT_PATH"] = front.dirs.good;
      try {
        const byEnv = resolveConfig(["swebench.yaml"], {
          baseUrl: server.url,
          environmentClass: "docker",
          dockerHosts: [`https://localhost:${front.port}`],
        });
        await preflight(byEnv, { warn: (line) => expect.fail(line) });
      } finally {
        if (before === undefined) delete process.env["DOCKER_CERT_PATH"];
        else process.env["DOCKER_CERT_PATH"] = before;
      }
      console.log(
        `[swebench tls host] 3 instances over https (TLS front, client certificate) slots 3: ` +
          `${elapsedS.toFixed(1)} s, peak ${peak} containers, ${connections} TLS connections`,
      );
    }, 90_000);

    it("no client certificate, another CA: one line each; none usable: exit 2 before any agent", async () => {
      const { server, front } = await ready();
      const good = `https://127.0.0.1:${front.port}`;
      // Three names for the same front, so that each line names its own host.
      const noCertUrl = `https://localhost:${front.port}`;
      const wrongCaUrl = `tcp://127.0.0.1:${front.port}`; // tcp:// with a tls directory is TLS
      const noCert = `${noCertUrl},tls=${front.dirs.noClientCert}`;
      const wrongCa = `${wrongCaUrl},tls=${front.dirs.wrongCa}`;
      const config = resolveConfig(["swebench.yaml", `environment.image=${IMAGE}`], {
        baseUrl: server.url,
        environmentClass: "docker",
        dockerHosts: [`${good},tls=${front.dirs.good}`, noCert, wrongCa],
      });
      const warnings: string[] = [];
      await preflight(config, { warn: (line) => warnings.push(line) });
      expect(config.environment.docker_hosts.map((h) => h.url)).toEqual([good]);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(
        new RegExp(
          `^the Docker host ${noCertUrl} refuses the connection \\(TLS: the server requires a ` +
            `client certificate and ${front.dirs.noClientCert} has no cert.pem/key.pem ` +
            `\\(ERR_SSL_\\w+\\)\\); taking it out$`,
        ),
      );
      expect(warnings[1]).toMatch(
        new RegExp(
          `^the Docker host ${wrongCaUrl} refuses the connection \\(TLS: the server's certificate ` +
            `is not signed by ${front.dirs.wrongCa}/ca.pem \\(\\w+\\)\\); taking it out$`,
        ),
      );

      const requests = server.requests;
      const runner = spawnRunner([
        ...["--subset", "sample", "-o", join(tmp.make(), "out"), "--base-url", server.url],
        ...["--environment-class", "docker", "--docker-host", noCert, "--docker-host", wrongCa],
      ]);
      const { code } = await runner.exited;
      const lines = runner.stderr().trimEnd().split("\n");
      expect(lines).toHaveLength(3);
      expect(lines[2]).toMatch(
        new RegExp(
          `^swebench: refusing to start: the Docker host ${noCertUrl} refuses the connection ` +
            `\\(TLS: the server requires a client certificate`,
        ),
      );
      expect(code).toBe(2);
      expect(server.requests).toBe(requests);
    }, 60_000);
  },
);
