#!/usr/bin/env node
/**
 * `pnpm conformance:record` and `pnpm conformance:check`.
 *
 *   record --original <checkout> [--python python3]   golden traces from the Python original
 *   record --router-cmd "<template>" --label <name>   golden traces from any router command
 *   check [--router-cmd "<template>"]                 replay (default: our proxy, --policy
 *                                                     original) and compare with the goldens
 *   common: --scenario <name> (repeatable) --scheduler-interval 0.2 --metrics-interval 0.1
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
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

const USAGE = `usage: conformance record --original <checkout> [--python python3]
       conformance record --router-cmd "<template>" --label <name> [--commit <sha>]
       conformance check [--router-cmd "<template>"]
options: --scenario <name> (repeatable) --scheduler-interval <s> --metrics-interval <s>`;

function selected(names: string[] | undefined): Scenario[] {
  const all = loadScenarios(SCENARIO_DIR);
  if (!names || names.length === 0) return all;
  const unknown = names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new ConformanceError("unknown_scenario", `unknown scenario(s): ${unknown.join(", ")}`);
  }
  return all.filter((s) => names.includes(s.name));
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      original: { type: "string" },
      python: { type: "string", default: "python3" },
      "router-cmd": { type: "string" },
      label: { type: "string" },
      commit: { type: "string" },
      scenario: { type: "string", multiple: true },
      "scheduler-interval": { type: "string", default: "0.2" },
      "metrics-interval": { type: "string", default: "0.1" },
    },
  });
  const mode = positionals[0];
  if (mode !== "record" && mode !== "check") {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const settings = {
    schedulerInterval: Number(values["scheduler-interval"]),
    metricsInterval: Number(values["metrics-interval"]),
  };
  let command: string;
  let recordedFrom: Trace["recordedFrom"];
  const date = new Date().toISOString();
  if (values.original !== undefined) {
    command = pythonOriginalCommand(values.original, values.python);
    recordedFrom = {
      router: "ThunderAgent (Python original, python -m ThunderAgent)",
      commit: values.commit ?? ORIGINAL_COMMIT,
      date,
      command: pythonOriginalCommand("<checkout>", values.python),
    };
  } else if (values["router-cmd"] !== undefined) {
    command = values["router-cmd"];
    recordedFrom = {
      router: values.label ?? "custom",
      commit: values.commit ?? null,
      date,
      command,
    };
  } else if (mode === "check") {
    command = oursCommand();
    recordedFrom = {
      router: "thunderagent-ts --policy original",
      commit: null,
      date,
      command: "ours",
    };
  } else {
    process.stderr.write(`record needs --original or --router-cmd\n${USAGE}\n`);
    return 2;
  }
  let failed = 0;
  for (const scenario of selected(values.scenario)) {
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`conformance: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
