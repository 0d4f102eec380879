/**
 * Flags → the list of processes to run, for every system of the experiment. Pure: the facts it
 * needs from the machine (GPU sets, the Hugging Face CLI, HF_HOME, paths) are passed in, so
 * `--dry-run` prints exactly what a real run would start. In steps: settings (plan-settings.ts),
 * the download and engine specs (engine-specs.ts), the router (proxy-spec.ts), the runners
 * (runner-specs.ts), one `SystemPlan` per system.
 * @module
 */
import { join } from "node:path";
import type { ReproduceSystem } from "@thunderagent/protocol";
import { downloadSpec, engineSpecs } from "./engine-specs.js";
import type { Options } from "./options.js";
import { resolveSettings, type PlanSettings } from "./plan-settings.js";
import type { Plan, PlanExtensions, PlanFacts, SystemPlan } from "./plan-types.js";
import { proxySpec } from "./proxy-spec.js";
import { runnerOutput, runnerSpecs, runnerSplit } from "./runner-specs.js";

function systemPlan(
  o: Options,
  s: PlanSettings,
  facts: PlanFacts,
  ext: PlanExtensions,
  system: ReproduceSystem,
): SystemPlan {
  const sysDir = join(s.runDir, system);
  const output = join(s.outputRoot, facts.runId, system);
  const profileDir = s.systems.length > 1 ? join(s.profileRoot, system) : s.profileRoot;
  const split = runnerSplit(s, system);
  return {
    system,
    engines: engineSpecs(o, s, facts, sysDir),
    proxy: system === "thunderagent" ? proxySpec(o, s, facts, ext, { sysDir, profileDir }) : null,
    runners: runnerSpecs(o, s, facts, system, { sysDir, output }),
    output,
    engineUrls: s.engineUrls,
    stepSource:
      system === "thunderagent"
        ? { kind: "profile-csv", path: join(profileDir, "step_profiles.csv") }
        : {
            kind: "trajectories",
            dirs: Array.from({ length: split }, (_, i) => runnerOutput(output, split, i)),
          },
  };
}

export function buildPlan(o: Options, facts: PlanFacts, ext: PlanExtensions = {}): Plan {
  const s = resolveSettings(o, facts);
  const download = downloadSpec(s, facts);
  const systems = s.systems.map((system) => systemPlan(o, s, facts, ext, system));
  const notes = [...s.notes];
  if (o.subset && s.simulate)
    notes.push("--simulate uses the runner's sample dataset; --subset is ignored.");
  return {
    runId: facts.runId,
    preset: s.preset,
    model: s.model,
    mode: s.simulate ? "simulated" : "real",
    backendType: o.backendType,
    workers: s.workers,
    download,
    systems,
    window: o.window,
    timeScale: s.timeScale,
    minuteS: s.minuteS,
    stopAfterMin: o.runToCompletion ? null : (o.durationMin ?? o.window.endMin),
    runDir: s.runDir,
    reportPath: s.reportPath,
    dataset: s.datasetPath ? { path: s.datasetPath } : null,
    graceS: o.graceS,
    notes,
  };
}
