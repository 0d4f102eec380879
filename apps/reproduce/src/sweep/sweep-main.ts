/**
 * `reproduce <preset> --sweep [N,...] [--repeat K]` and `reproduce --resume DIR`: the sweep's
 * directory and manifest, the preflight (exit 2 on a refusal, before any cell), the cells run
 * under one supervisor, and the report over all of them.
 * @module
 */
import { resolve } from "node:path";
import { callerCwd } from "@thunderagent/cli-kit";
import type { SweepManifest, SweepMode } from "@thunderagent/protocol";
import { ReproduceError } from "../errors.js";
import { readCommandLine, type Options } from "../options.js";
import { PRESETS } from "../presets.js";
import { log } from "../supervised.js";
import { defaultSweepNs, planCells } from "./cells.js";
import { PreflightError, checkBackend, checkDockerHost } from "./preflight.js";
import { sweepDryRun } from "./sweep-dry-run.js";
import { executeSweep } from "./sweep-execute.js";
import { readManifest, writeManifest } from "./store.js";

function modeOf(o: Options): SweepMode {
  return o.virtual ? "virtual" : o.simulate ? "simulated" : "real";
}

function sweepId(o: Options, now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${o.preset}-sweep-${modeOf(o)}-${t}`;
}

function newManifest(o: Options, argv: readonly string[]): SweepManifest {
  const preset = PRESETS[o.preset];
  const ns =
    o.sweep === "default" || o.sweep === undefined ? defaultSweepNs(preset.simProfile) : o.sweep;
  const systems = ["thunderagent", "vllm"] as const;
  return {
    schema_version: 1,
    sweep_id: sweepId(o),
    preset: o.preset,
    model: o.model ?? preset.model,
    mode: modeOf(o),
    created_at: new Date().toISOString(),
    argv: [...argv],
    ns: [...new Set(ns)],
    systems: [...systems],
    repeat: o.repeat,
    window: { start_min: o.window.startMin, end_min: o.window.endMin },
    cells: planCells([...new Set(ns)], systems, o.repeat),
  };
}

/** Checks that can refuse before the first cell: given backends, the Docker host. */
async function preflight(o: Options): Promise<void> {
  if (o.virtual) return;
  const model = o.servedModelName ?? o.model ?? PRESETS[o.preset].model;
  for (const url of o.backends ?? []) await checkBackend(url, model);
  const envClass = o.environmentClass ?? (o.simulate ? "local" : "docker");
  if (envClass === "docker") await checkDockerHost();
}

async function start(o: Options, manifest: SweepManifest, dir: string): Promise<number> {
  try {
    await preflight(o);
  } catch (err) {
    if (err instanceof PreflightError) {
      process.stderr.write(`reproduce: preflight: ${err.message}; no cell was started\n`);
      return 2;
    }
    throw err;
  }
  return executeSweep(o, manifest, dir);
}

/** A new sweep: its directory under --logs-dir, the manifest, then the cells. */
export async function sweepMain(o: Options, argv: readonly string[]): Promise<number> {
  const manifest = newManifest(o, argv);
  const dir = resolve(callerCwd(), o.logsDir ?? PRESETS[o.preset].logsDir, manifest.sweep_id);
  if (o.dryRun) {
    process.stdout.write(`${await sweepDryRun(o, manifest, dir)}\n`);
    return 0;
  }
  await writeManifest(dir, manifest);
  log(`sweep ${manifest.sweep_id}: ${manifest.cells.length} cells in ${dir}`);
  log(`resume with: reproduce --resume ${dir}`);
  return start(o, manifest, dir);
}

/** `--resume DIR` (alone, or after the sweep's preset): the sweep's own flags from its manifest. */
export async function resumeMain(dir: string, preset: string | undefined): Promise<number> {
  const abs = resolve(callerCwd(), dir);
  let manifest: SweepManifest;
  try {
    manifest = readManifest(abs);
  } catch (err) {
    if (!(err instanceof ReproduceError)) throw err;
    process.stderr.write(`reproduce: ${err.message}\n`);
    return 2;
  }
  if (preset !== undefined && preset !== manifest.preset) {
    process.stderr.write(
      `reproduce: --resume ${dir} is a ${manifest.preset} sweep, not ${preset}\n`,
    );
    return 2;
  }
  const o = readCommandLine(manifest.argv, { env: process.env });
  if ("kind" in o) throw new Error(`${abs}/sweep.json: its argv is not a sweep`);
  log(`resuming sweep ${manifest.sweep_id} (${manifest.cells.length} cells) in ${abs}`);
  return start(o, manifest, abs);
}

/** `--resume DIR` / `--resume=DIR` and at most the preset beside it; null when not a resume. */
export function resumeArgs(argv: readonly string[]): { dir: string; rest: string[] } | null {
  const i = argv.findIndex((a) => a === "--resume" || a.startsWith("--resume="));
  if (i < 0) return null;
  const a = argv[i] as string;
  const dir = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[i + 1];
  if (!dir) return null;
  const rest = argv.filter((_, j) => j !== i && !(j === i + 1 && !a.includes("=")));
  return { dir, rest };
}
