#!/usr/bin/env node
/**
 * `pnpm conformance:record` and `pnpm conformance:check` (options in cli.ts; `--help`).
 *
 *   record --original <checkout> [--python python3]   golden traces from the Python original
 *   record --router-cmd "<template>" --label <name>   golden traces from any router command
 *   check [--router-cmd "<template>"]                 replay (default: our proxy, --policy
 *                                                     original) and compare with the goldens
 *   common: --scenario <name> (repeatable) --scheduler-interval 0.2 --metrics-interval 0.1
 * @module
 */
import { join } from "node:path";
import { exitWhenDone, optionsOrExitCode } from "@thunderagent/cli-kit";
import { readConformanceCommandLine, type ConformanceOptions } from "./cli.js";
import {
  GOLDEN_DIR,
  ORIGINAL_COMMIT,
  oursCommand,
  pythonOriginalCommand,
  REPO_ROOT,
  SCENARIO_DIR,
} from "./commands.js";
import { ConformanceError } from "./errors.js";
import { runScenario } from "./runner.js";
import { loadScenarios, type Scenario } from "./scenario.js";
import { compareTraces, readTrace, writeTrace, type Trace } from "./trace.js";

function selected(names: string[] | undefined): Scenario[] {
  const all = loadScenarios(SCENARIO_DIR);
  if (!names || names.length === 0) return all;
  const unknown = names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new ConformanceError("unknown_scenario", `unknown scenario(s): ${unknown.join(", ")}`);
  }
  return all.filter((s) => names.includes(s.name));
}

/** The router command to run and what the traces say it was. */
function routerOf(o: ConformanceOptions): { command: string; recordedFrom: Trace["recordedFrom"] } {
  const date = new Date().toISOString();
  if (o.original !== undefined) {
    return {
      command: pythonOriginalCommand(o.original, o.python),
      recordedFrom: {
        router: "ThunderAgent (Python original, python -m ThunderAgent)",
        commit: o.commit ?? ORIGINAL_COMMIT,
        date,
        command: pythonOriginalCommand("<checkout>", o.python),
      },
    };
  }
  if (o.routerCmd !== undefined) {
    const command = o.routerCmd;
    return {
      command,
      recordedFrom: { router: o.label ?? "custom", commit: o.commit ?? null, date, command },
    };
  }
  // check without --router-cmd (record without either is refused by the parser)
  return {
    command: oursCommand(),
    recordedFrom: {
      router: "thunderagent-ts --policy original",
      commit: null,
      date,
      command: "ours",
    },
  };
}

async function main(argv: string[]): Promise<number> {
  const o = await optionsOrExitCode("conformance", () =>
    readConformanceCommandLine(argv, { env: process.env }),
  );
  if (typeof o === "number") return o;
  const mode = o.mode;
  const settings = { schedulerInterval: o.schedulerInterval, metricsInterval: o.metricsInterval };
  const { command, recordedFrom } = routerOf(o);
  let failed = 0;
  for (const scenario of selected(o.scenario)) {
    const trace = await runScenario(scenario, {
      ...settings,
      command,
      cwd: REPO_ROOT,
      recordedFrom,
    });
    const file = join(GOLDEN_DIR, `${scenario.name}.json`);
    if (mode === "record") {
      writeTrace(file, trace);
      process.stdout.write(`recorded ${scenario.name} (${trace.steps.length} steps) -> ${file}\n`);
      continue;
    }
    const diffs = compareTraces(readTrace(file), trace, scenario.skip);
    if (diffs.length > 0) failed++;
    process.stdout.write(`${diffs.length === 0 ? "PASS" : "FAIL"} ${scenario.name}\n`);
    for (const d of diffs) process.stdout.write(`  ${d}\n`);
  }
  return failed > 0 ? 1 : 0;
}

void exitWhenDone("conformance", main(process.argv.slice(2)), {
  describe: (err) => (err as Error).message,
});
