// The flags buildPlan passes to engine-sim, the proxy and the runner, parsed by those programs' own
// parsers (their flag tables and zod schemas, through the packages' public exports): renaming a
// flag in one of them fails here, not 70 minutes into a GPU run.
import { parseCli as parseEngineSimCli } from "@thunderagent/engine-sim";
import { loadConfig } from "@thunderagent/proxy";
import { parseCli as parseRunnerCli } from "@thunderagent/swebench";
import { describe, expect, it } from "vitest";
import { ENGINE_SIM_ENTRY, PROXY_ENTRY, RUNNER_ENTRY } from "../src/entries.js";
import { parseOptions } from "../src/options.js";
import { buildPlan } from "../src/plan.js";
import type { PlanFacts, ProcessSpec } from "../src/plan-types.js";
import { PRESET_NAMES } from "../src/presets.js";

const facts: PlanFacts = {
  root: "/repo",
  cwd: "/work",
  execPath: "/usr/bin/node",
  hfCli: null,
  hfHome: "/hf",
  gpuSets: null,
  runId: "run1",
};

/** The program's own arguments: what follows its entry point. */
function programArgs(spec: ProcessSpec, entry: string): string[] {
  const at = spec.args.findIndex((a) => a.endsWith(entry));
  expect(at, `${spec.name} runs ${entry}`).toBeGreaterThanOrEqual(0);
  return spec.args.slice(at + 1);
}

// --backends is for real runs only (--simulate launches its own engines).
const VARIANTS: readonly (readonly string[])[] = [
  [],
  ["--compare"],
  ["--baseline"],
  ["--compare", "--replicas", "2", "--tensor-parallel-size", "4"],
  ["--compare", "--scheduler-interval", "2", "--served-model-name", "m", "--max-model-len", "8192"],
  ["--compare", "--backends", "http://10.0.0.1:8100,http://10.0.0.2:8100"],
];

const cases = PRESET_NAMES.flatMap((preset) =>
  [["--simulate"], []].flatMap((mode) =>
    VARIANTS.filter((v) => mode.length === 0 || !v.includes("--backends")).map((v) => [
      preset,
      ...mode,
      ...v,
    ]),
  ),
);

describe("the flags buildPlan passes parse with each program's own parser", () => {
  it.each(cases.map((argv) => [argv.join(" "), argv] as const))("%s", (_, argv) => {
    const o = parseOptions([...argv]);
    if (o === "help") throw new Error("help");
    const plan = buildPlan(o, facts);
    let engines = 0;
    let proxies = 0;
    let runners = 0;
    for (const sys of plan.systems) {
      for (const spec of sys.engines) {
        if (spec.command === "vllm") continue; // vLLM's own CLI, not ours (test/fixtures/bin/vllm)
        const cli = parseEngineSimCli(programArgs(spec, ENGINE_SIM_ENTRY));
        expect(cli.server.enablePromptTokensDetails).toBe(true);
        expect(cli.server.profile).toBe(plan.preset.simProfile);
        expect(cli.server.timeScale).toBe(plan.timeScale);
        engines++;
      }
      if (sys.proxy) {
        const { config } = loadConfig(programArgs(sys.proxy, PROXY_ENTRY), {});
        expect(config.backends).toEqual(sys.engineUrls);
        expect(config.metrics).toBe(true);
        expect(config.profile).toBe(true);
        if (sys.stepSource.kind === "profile-csv") {
          expect(`${config.profileDir}/step_profiles.csv`).toBe(sys.stepSource.path);
        }
        proxies++;
      }
      for (const spec of sys.runners) {
        const cli = parseRunnerCli(programArgs(spec, RUNNER_ENTRY));
        if (cli === "help") throw new Error("help");
        expect(cli.workers).toBeGreaterThanOrEqual(1);
        expect(cli.baseUrl).toMatch(/\/v1$/);
        runners++;
      }
    }
    expect(runners).toBeGreaterThan(0);
    if (o.simulate && !o.backends) expect(engines).toBeGreaterThan(0);
    if (!o.baseline) expect(proxies).toBe(1);
  });
});
