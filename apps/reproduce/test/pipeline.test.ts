// The whole pipeline on the real pieces of this repository: engine-sim, the proxy and the runner.
// Skipped (with a message) in a checkout that lacks one of them.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ReproduceReport } from "@thunderagent/protocol";
import { describe, expect, it } from "vitest";
import { ENGINE_SIM_ENTRY, PROXY_ENTRY, RUNNER_ENTRY } from "../src/entries.js";
import { REPO_ROOT, ports, spawnMain, standInPath, tempDir } from "./helpers.js";

const missing = [ENGINE_SIM_ENTRY, PROXY_ENTRY, RUNNER_ENTRY].filter(
  (e) => !existsSync(join(REPO_ROOT, e)),
);
if (missing.length > 0) console.warn(`pipeline tests skipped: ${missing.join(", ")} missing`);

async function run(args: string[], env: Record<string, string> = {}) {
  const cwd = tempDir();
  const [vllmPort, proxyPort] = ports(2);
  const p = spawnMain(
    [
      ...args,
      "--vllm-port",
      String(vllmPort),
      "--proxy-port",
      String(proxyPort),
      "--report",
      "r.json",
    ],
    { PATH: standInPath(), HF_HOME: join(cwd, "hf"), ...env },
    cwd,
  );
  const e = await p.exited;
  expect(e.code, p.output()).toBe(0);
  return {
    report: ReproduceReport.parse(JSON.parse(readFileSync(join(cwd, "r.json"), "utf8"))),
    out: p.output(),
  };
}

describe.skipIf(missing.length > 0)("the pipeline on engine-sim, the proxy and the runner", () => {
  it("real-run code path (stand-in vllm, stand-in nvidia-smi): --compare", async () => {
    const { report, out } = await run(
      [
        "glm4.6",
        "--compare",
        "--subset",
        "sample",
        "--environment-class",
        "local",
        "-w",
        "2",
        "--window",
        "0.1:0.3",
      ],
      { FAKE_VLLM_TIME_SCALE: "0.01" },
    );
    expect(report.mode).toBe("real");
    expect(report.runs.map((r) => r.system)).toEqual(["thunderagent", "vllm"]);
    expect(report.runs[0]?.source).toMatch(/step_profiles\.csv$/);
    expect(report.runs[1]?.source).toMatch(/\/metrics vllm:request_success_total$/);
    for (const r of report.runs) expect(r.total_steps).toBeGreaterThan(0);
    expect(out).toMatch(/ratio: [\d.]+×/);
  }, 400_000);

  it("--simulate: engine-sim in place of vLLM, time-compressed", async () => {
    const { report } = await run([
      "glm4.6",
      "--simulate",
      "-w",
      "2",
      "--window",
      "0.5:2",
      "--time-scale",
      "0.1",
    ]);
    expect(report.mode).toBe("simulated");
    expect(report.time_scale).toBe(0.1);
    expect(report.runs).toHaveLength(1);
    expect(report.runs[0]?.total_steps).toBeGreaterThan(0);
  }, 400_000);
});
