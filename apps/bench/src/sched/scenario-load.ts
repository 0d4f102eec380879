/**
 * Reads scenario files: JSON or YAML (by extension), validated with the scenario schema. Every
 * refusal is a {@link ScenarioError} whose message is one line naming the file and the field (the
 * zod path, e.g. `workload.params.steps.median`). A trace given as `workload.trace.file` is read
 * relative to the scenario file and validated the same way.
 * @module
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { Scenario, TraceFile } from "./scenario-schema.js";
import type { TraceSession } from "./workload.js";

export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
}

/** A validated scenario, with its trace read in. */
export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  /** The trace's sessions (inline or from `workload.trace.file`), else null. */
  trace: TraceSession[] | null;
}

const SCENARIO_EXT = /\.(json|ya?ml)$/i;

/** The first issue as `path: message` (`(root)` for the top level). */
export function issueLine(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)";
  return `${path}: ${issue.message}`;
}

/** Text → data, by the file's extension (YAML for .yaml/.yml, else JSON). */
export function parseText(text: string, file: string): unknown {
  try {
    return /\.ya?ml$/i.test(file) ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (e) {
    const first = ((e as Error).message.split("\n")[0] ?? "").trim();
    const kind = /\.ya?ml$/i.test(file) ? "YAML" : "JSON";
    throw new ScenarioError(`${file}: not valid ${kind}: ${first}`);
  }
}

/** Validates parsed data as a scenario; `file` only labels the error. */
export function parseScenario(data: unknown, file: string): Scenario {
  const r = Scenario.safeParse(data);
  if (!r.success) throw new ScenarioError(`${file}: ${issueLine(r.error)}`);
  return r.data;
}

/** A file's text; a ScenarioError naming it when it cannot be read. */
export function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new ScenarioError(
      `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
}

function readTrace(file: string, scenarioFile: string): TraceSession[] {
  const data = parseText(readText(file), file);
  const r = TraceFile.safeParse(data);
  if (!r.success) {
    throw new ScenarioError(
      `${file} (workload.trace.file of ${scenarioFile}): ${issueLine(r.error)}`,
    );
  }
  return (Array.isArray(r.data) ? r.data : r.data.sessions) as TraceSession[];
}

/** Reads and validates one scenario file. */
export function loadScenario(file: string): LoadedScenario {
  const scenario = parseScenario(parseText(readText(file), file), file);
  const t = scenario.workload.trace;
  let trace: TraceSession[] | null = null;
  if (t && "sessions" in t) trace = t.sessions as TraceSession[];
  else if (t) trace = readTrace(resolve(dirname(file), t.file), file);
  return { file, scenario, trace };
}

/** The scenario files of a directory (its *.json, *.yaml, *.yml, sorted; not recursive) or a file. */
export function scenarioFiles(path: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new ScenarioError(`${path}: no such file or directory`);
  }
  if (!isDir) return [path];
  const files = readdirSync(path)
    .filter((f) => SCENARIO_EXT.test(f))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) throw new ScenarioError(`${path}: no scenario files (*.json, *.yaml)`);
  return files;
}

/** Every scenario of the given files and directories; two scenarios may not share a name. */
export function loadScenarios(paths: readonly string[]): LoadedScenario[] {
  const out: LoadedScenario[] = [];
  const seen = new Map<string, string>();
  for (const file of paths.flatMap(scenarioFiles)) {
    const s = loadScenario(file);
    const prev = seen.get(s.scenario.name);
    if (prev) throw new ScenarioError(`${file}: name: "${s.scenario.name}" is also ${prev}'s name`);
    seen.set(s.scenario.name, file);
    out.push(s);
  }
  return out;
}
