/**
 * What a reader needs to trust a cell: the environment, taken once per sweep (vLLM's version,
 * the GPUs as nvidia-smi lists them, the router's and reproduce's versions, Node), and per cell
 * every process with its full command line and environment additions, the runner's config files,
 * start and stop times, and the engines' counters as scraped through the run. The router's raw
 * `step_profiles.csv` and the runner's output already live in the cell's directory.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { packageVersion } from "@thunderagent/cli-kit";
import { writeFileAtomic } from "@thunderagent/swebench";
import { execa } from "execa";
import { request } from "undici";
import type { MeterSample } from "../engine-meter.js";
import { installedPackageDir } from "../facts.js";
import type { Plan } from "../plan-types.js";

export interface SweepEnvironment {
  readonly host: string;
  readonly node: string;
  readonly reproduce_version: string;
  readonly router_version: string | null;
  /** `vllm --version` (launched engines) or the backends' `/version`; null when simulated. */
  readonly vllm_version: string | null;
  /** `nvidia-smi --query-gpu=index,name,memory.total,driver_version` lines; null when simulated. */
  readonly gpus: readonly string[] | null;
}

async function run(cmd: string, args: string[]): Promise<string | null> {
  try {
    const r = await execa(cmd, args, { timeout: 30_000, reject: false });
    return r.exitCode === 0 ? r.stdout.trim() : null;
  } catch {
    return null;
  }
}

async function backendVersion(url: string): Promise<string | null> {
  try {
    const res = await request(`${url}/version`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    const text = await res.body.text();
    return res.statusCode === 200 ? text.trim() : null;
  } catch {
    return null;
  }
}

function routerVersion(): string | null {
  const dir = installedPackageDir("@thunderagent/proxy");
  if (!dir) return null;
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? null;
}

export async function sweepEnvironment(
  mode: "real" | "simulated" | "virtual",
  backends: readonly string[] | undefined,
): Promise<SweepEnvironment> {
  const real = mode === "real";
  const gpus = real
    ? await run("nvidia-smi", [
        "--query-gpu=index,name,memory.total,driver_version",
        "--format=csv,noheader",
      ])
    : null;
  const vllm = !real
    ? null
    : backends && backends.length > 0
      ? await backendVersion(backends[0] as string)
      : await run("vllm", ["--version"]);
  return {
    host: hostname(),
    node: process.version,
    reproduce_version: packageVersion(import.meta.url),
    router_version: mode === "virtual" ? null : routerVersion(),
    vllm_version: vllm,
    gpus: gpus === null ? null : gpus.split("\n").filter((l) => l.trim() !== ""),
  };
}

/** The runner's `-c FILE` arguments that are files, with their text. */
function runnerConfigs(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  args.forEach((a, i) => {
    const v = a === "-c" || a === "--config" ? args[i + 1] : undefined;
    if (v && !v.includes("=") && existsSync(v)) out[v] = readFileSync(v, "utf8");
  });
  return out;
}

export interface CellRecordInput {
  readonly plan: Plan;
  readonly environment: SweepEnvironment;
  readonly startedAt: number;
  readonly stoppedAt: number;
  readonly samples: readonly MeterSample[];
}

/** `record.json` and `engine-metrics.json` in the cell's directory. */
export async function writeCellRecord(dir: string, r: CellRecordInput): Promise<void> {
  const processes = r.plan.systems.flatMap((s) =>
    [...s.engines, ...(s.proxy ? [s.proxy] : []), ...s.runners].map((p) => ({
      name: p.name,
      role: p.role,
      command: p.command,
      args: p.args,
      env: p.env,
      log: p.logFile,
    })),
  );
  const runnerArgs = r.plan.systems.flatMap((s) => s.runners.flatMap((x) => x.args));
  const record = {
    environment: r.environment,
    mode: r.plan.mode,
    model: r.plan.model,
    workers: r.plan.workers,
    window: r.plan.window,
    time_scale: r.plan.timeScale,
    started_at: new Date(r.startedAt * 1000).toISOString(),
    stopped_at: new Date(r.stoppedAt * 1000).toISOString(),
    processes,
    runner_configs: runnerConfigs(runnerArgs),
    step_csvs: r.plan.systems.flatMap((s) =>
      s.stepSource.kind === "profile-csv" ? [s.stepSource.path] : [],
    ),
    metric_scrapes: {
      counters_through_the_run: "engine-metrics.json",
      raw_at_start_and_end: "scrapes/",
    },
  };
  await writeFileAtomic(join(dir, "record.json"), `${JSON.stringify(record, null, 2)}\n`);
  await writeFileAtomic(
    join(dir, "engine-metrics.json"),
    `${JSON.stringify({ engines: r.plan.systems.flatMap((s) => s.engineUrls), samples: r.samples })}\n`,
  );
}
