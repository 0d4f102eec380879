// The real-run code path (plan → supervisor → health) with the stand-in `vllm` on PATH, which runs
// engine-sim with the flags it was given.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HealthTimeoutError, waitForHealth } from "../src/health.js";
import { parseOptions } from "../src/options.js";
import { buildPlan } from "../src/plan.js";
import type { ProcessSpec } from "../src/plan-types.js";
import { descendants } from "../src/proc-tree.js";
import { ChildFailedError, Supervisor } from "../src/supervisor.js";
import { FAKE_ROOT, REPO_ROOT, allGone, ports, standInPath, tempDir } from "./helpers.js";

// engine-sim itself once it exists in this checkout, else the orchestrator tests' stand-in.
const realEngineSim = existsSync(join(REPO_ROOT, "packages", "engine-sim", "src", "main.ts"));
const engineEnv = realEngineSim ? {} : { REPRODUCE_ENTRY_ROOT: FAKE_ROOT };

function engineSpecs(replicas: number, extraEnv: Record<string, string> = {}): ProcessSpec[] {
  const [port] = ports(replicas);
  const dir = tempDir();
  const o = parseOptions([
    "glm4.6",
    "--tp",
    "4",
    "--replicas",
    String(replicas),
    "--vllm-port",
    String(port),
    "--health-timeout",
    "120",
    "--logs-dir",
    dir,
  ]);
  if (o === "help") throw new Error("help");
  const plan = buildPlan(o, {
    root: REPO_ROOT,
    cwd: dir,
    execPath: process.execPath,
    hfCli: null,
    hfHome: join(dir, "hf"),
    gpuSets: Array.from({ length: replicas }, (_, r) => [0, 1, 2, 3].map((g) => g + 4 * r)),
    runId: "lifecycle",
  });
  const engines = plan.systems[0]?.engines ?? [];
  return engines.map((e) => ({
    ...e,
    env: {
      ...e.env,
      PATH: standInPath(),
      FAKE_VLLM_ARGS_LOG: join(dir, "vllm-args.jsonl"),
      ...engineEnv,
      ...extraEnv,
    },
  }));
}

let sup: Supervisor | null = null;
afterEach(async () => {
  await sup?.stopAll();
  sup = null;
});

describe("lifecycle with the stand-in vllm", () => {
  it("starts vLLM servers on disjoint GPU sets and waits for /health", async () => {
    sup = new Supervisor({ graceS: 5 });
    const specs = engineSpecs(2);
    const children = specs.map((s) => sup!.start(s));
    for (const c of children) {
      const h = c.spec.health!;
      await waitForHealth({ ...h, name: c.spec.name, child: c });
    }
    const argsLog = join(specs[0]!.logFile, "..", "..", "..", "vllm-args.jsonl");
    const calls = readFileSync(argsLog, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { argv: string[]; cuda: string });
    expect(calls.map((c) => c.cuda).sort()).toEqual(["0,1,2,3", "4,5,6,7"]);
    for (const c of calls) {
      expect(c.argv.slice(0, 4)).toEqual([
        "serve",
        "zai-org/GLM-4.6-FP8",
        "--tensor-parallel-size",
        "4",
      ]);
      expect(c.argv).toContain("--enable-prompt-tokens-details");
    }
    const pids = children.flatMap((c) => [c.pid, ...descendants(c.pid)]);
    expect(pids.length).toBeGreaterThanOrEqual(4); // each stand-in runs engine-sim as its child
    await sup.stopAll();
    expect(await allGone(pids)).toEqual([]);
  }, 120_000);

  it("times out a server that never answers /health, with its log", async () => {
    sup = new Supervisor({ graceS: 5 });
    const [spec] = engineSpecs(1, { FAKE_VLLM_MODE: "hang" });
    const c = sup.start(spec!);
    const err = await waitForHealth({
      url: spec!.health!.url,
      timeoutS: 2,
      name: "vllm",
      child: c,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HealthTimeoutError);
    expect(String((err as Error).message)).toMatch(
      /vllm did not answer http:\/\/127\.0\.0\.1:\d+\/health with 200 within 2 s/,
    );
    expect(String((err as Error).message)).toContain("loading weights forever");
    await sup.stopAll();
    expect(await allGone([c.pid])).toEqual([]);
  }, 120_000);

  it("ends the wait at once when the server exits first", async () => {
    sup = new Supervisor({ graceS: 5 });
    const [spec] = engineSpecs(1, { FAKE_VLLM_MODE: "fail" });
    const c = sup.start(spec!);
    const err = await waitForHealth({ ...spec!.health!, name: "vllm", child: c }).catch(
      (e: unknown) => e,
    );
    expect(String((err as Error).message)).toMatch(
      /vllm exited \(code 1\) before .* answered.*failing on purpose/s,
    );
    await expect(sup.failed).rejects.toBeInstanceOf(ChildFailedError);
  }, 120_000);

  it("a child that dies fails the run, and stopAll stops every other one", async () => {
    sup = new Supervisor({ graceS: 5 });
    const specs = engineSpecs(2);
    const children = specs.map((s) => sup!.start(s));
    for (const c of children)
      await waitForHealth({ ...c.spec.health!, name: c.spec.name, child: c });
    const victim = children[0]!;
    const pids = children.flatMap((c) => [c.pid, ...descendants(c.pid)]);
    process.kill(victim.pid, "SIGKILL");
    const err = await sup.failed.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChildFailedError);
    expect(String((err as Error).message)).toMatch(/vllm-0 exited unexpectedly \(signal SIGKILL\)/);
    await sup.stopAll();
    expect(await allGone(pids)).toEqual([]);
  }, 120_000);
});
