/**
 * Sandboxes across several Docker hosts, against a real engine (Podman): two endpoints that
 * reach the same Podman service (its socket and a symlink to it) and one that is not there. The
 * start-up check takes the dead one out with a line naming it; a run whose config still lists it
 * takes it out at its image check, before any worker (a run.log warning), and spreads the
 * containers over the two live endpoints (the host label); nothing of the run is left. Skipped without an engine unless
 * REQUIRE_CONTAINER_ENGINE=1 (then it fails).
 */
import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
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
import { RunGuard } from "./helpers/run-guard.js";
import { tempDirs } from "./helpers/temp-dirs.js";

const unavailable = await probe();
if (unavailable && !REQUIRED) console.warn(`[swebench docker hosts] SKIPPED: ${unavailable}`);

describe.skipIf(unavailable !== null && !REQUIRED)("containers across several Docker hosts", () => {
  let server: AgentServer | null = null;
  const dirs = tempDirs("ta-docker-hosts-");
  // A test that failed or timed out stops its run and sweeps what it left on every host.
  const guard = new RunGuard();
  afterEach(async () => {
    await guard.end();
    await server?.close();
    dirs.removeAll();
  }, 60_000);

  it("a dead host is taken out at start and at run time; containers spread; none left", async () => {
    if (unavailable) expect.fail(unavailable);
    server = await startAgentServer({ delayMs: 400 });
    const dir = dirs.make();
    symlinkSync(socket, join(dir, "b.sock"));
    const [a, b, dead] = [`unix://${socket}`, `unix://${dir}/b.sock`, `unix://${dir}/dead.sock`];
    const specs = ["swebench.yaml", `environment.image=${IMAGE}`, "environment.timeout=30"];
    const make = () =>
      resolveConfig(specs, {
        baseUrl: server!.url,
        environmentClass: "docker",
        dockerHosts: [dead, a, b],
      });

    const checked = make();
    const warnings: string[] = [];
    await preflight(checked, { warn: (line) => warnings.push(line) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`the Docker host ${dead} does not answer`);
    expect(warnings[0]).toContain("taking it out");
    expect(checked.environment.docker_hosts).toEqual([{ url: a }, { url: b }]);

    // Without the start-up check the dead host is met at the image check before the workers.
    const out = join(dir, "out");
    const runId = `hosts-${Date.now()}`;
    const config = make();
    const watched = watchRunContainers(runId, 300);
    const run = runBatch({
      subset: "sample",
      split: "test",
      slice: "0:4",
      workers: 4,
      output: out,
      config,
      runId,
      progressStream: null,
      signal: guard.signal,
    });
    guard.track(config, runId, run);
    const summary = await run.finally(() => watched.stop());
    expect(summary.exitStatuses).toEqual({ Submitted: 4 });
    const counts = [...watched.byHost].map(([host, ids]) => [host, ids.size]);
    expect(Object.fromEntries(counts)).toEqual({ [a]: 2, [b]: 2 });
    const log = readFileSync(join(out, "run.log"), "utf8");
    expect(log).toContain(`docker host ${dead} taken out`);
    expect(await runContainers(runId)).toHaveLength(0);
  }, 180_000);
});
