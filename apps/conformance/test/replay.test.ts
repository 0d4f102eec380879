/**
 * The CI replay: every scenario is played against our proxy (`--policy original`, a real process
 * on loopback, fake vLLMs over HTTP) and every snapshot must equal the golden one recorded from
 * the Python original (apps/conformance/golden), except the fields a scenario skips explicitly
 * (documented deviations). No Python needed: only the committed fixtures.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  GOLDEN_DIR,
  ORIGINAL_COMMIT,
  oursCommand,
  REPO_ROOT,
  SCENARIO_DIR,
} from "../src/commands.js";
import { runScenario } from "../src/runner.js";
import { loadScenarios } from "../src/scenario.js";
import { compareTraces, readTrace, type Trace } from "../src/trace.js";

const scenarios = loadScenarios(SCENARIO_DIR);
/** Each scenario's replay, started once (the scenario test and the deviation checks share it). */
const replays = new Map<string, Promise<Trace>>();

function replayOf(name: string): Promise<Trace> {
  let replay = replays.get(name);
  if (!replay) {
    const scenario = scenarios.find((s) => s.name === name);
    if (!scenario) throw new Error(`no scenario ${name}`);
    const golden = readTrace(join(GOLDEN_DIR, `${name}.json`));
    replay = runScenario(scenario, {
      command: oursCommand(),
      cwd: REPO_ROOT,
      schedulerInterval: golden.settings.schedulerInterval,
      metricsInterval: golden.settings.metricsInterval,
      settleSeconds: golden.settings.settleSeconds,
      recordedFrom: { router: "ours", commit: null, date: "", command: "ours" },
    });
    replays.set(name, replay);
  }
  return replay;
}

describe("conformance replay: our proxy --policy original against the Python original", () => {
  it("has a golden trace from the original's pinned commit for every scenario", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(10);
    for (const s of scenarios) {
      const file = join(GOLDEN_DIR, `${s.name}.json`);
      expect(existsSync(file), file).toBe(true);
      const golden = readTrace(file);
      expect(golden.recordedFrom.commit).toBe(ORIGINAL_COMMIT);
      expect(golden.steps.map((x) => x.step)).toEqual(s.steps);
    }
  });

  // Scenarios are independent (each has its own proxy and fake vLLMs on fresh ports) and mostly
  // wait for ticks, so they run a few at a time.
  for (const scenario of scenarios) {
    it.concurrent(
      `${scenario.name}: every snapshot equals the original's`,
      async () => {
        const golden = readTrace(join(GOLDEN_DIR, `${scenario.name}.json`));
        const replay = await replayOf(scenario.name);
        expect(compareTraces(golden, replay, scenario.skip)).toEqual([]);
      },
      180_000,
    );
  }

  it("deviation kept on purpose: an answer without usage ends the request, the program acts", async () => {
    const replay = await replayOf("missing-usage");
    const golden = readTrace(join(GOLDEN_DIR, "missing-usage.json"));
    const status = (t: Trace, step: number, id: string) =>
      (t.steps[step]!.snapshot.programs[id] as { status: string }).status;
    // A stream without a usage chunk (step 1) and a JSON answer with usage null (step 3).
    expect([status(golden, 1, "A"), status(golden, 3, "B")]).toEqual(["reasoning", "reasoning"]);
    expect([status(replay, 1, "A"), status(replay, 3, "B")]).toEqual(["acting", "acting"]);
  }, 180_000);
});
