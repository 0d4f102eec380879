/**
 * `@thunderagent/conformance`: a black-box harness that plays scripted scenarios against any
 * router command (a fake vLLM behind it), golden traces recorded from the Python original, and the
 * comparison that proves our proxy's `--policy original` mode behaves like it.
 * @module
 */
export {
  GOLDEN_DIR,
  ORIGINAL_COMMIT,
  oursCommand,
  pythonOriginalCommand,
  REPO_ROOT,
  SCENARIO_DIR,
} from "./commands.js";
export { ConformanceError } from "./errors.js";
export type { ConformanceErrorCode } from "./errors.js";
export { FakeVllm, startFakeVllm } from "./fake-vllm/server.js";
export { launchRouter, fillTemplate } from "./router-process.js";
export { runScenario, scenarioFlags, type RunOptions } from "./runner.js";
export { loadScenario, loadScenarios, parseScenario, Scenario, ScenarioError } from "./scenario.js";
export { compareTraces, readTrace, writeTrace, Trace } from "./trace.js";
