/**
 * Load from wrk (a C load generator, when it is on PATH): at saturation it spends a fraction of
 * autocannon's CPU per request, so on a small machine more of the cores go to what is measured.
 * Each connection's body carries its own program id (a Lua script rotates the pre-built
 * requests); the numbers come back as JSON from the script's `done` hook (latency in µs from
 * wrk's own histogram). wrk cannot pace requests; the paced runs use paced.ts.
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BenchError } from "../errors.js";
import { cpuMicros } from "./processes.js";
import { CHAT_PATH } from "./routes.js";

export interface WrkResult {
  rps: number;
  total: number;
  errors: number;
  p50: number;
  p99: number;
  /** CPU time wrk used, µs (sampled from /proc until it exits). */
  cpuUs: number | null;
}

export function wrkAvailable(): boolean {
  const r = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  return r.error === undefined && /^wrk \S+ \[/m.test(`${r.stdout}${r.stderr}`);
}

/** Lua long-bracket literal that no body can close early. */
function luaString(s: string): string {
  let eq = "=";
  while (s.includes(`]${eq}]`)) eq += "=";
  return `[${eq}[${s}]${eq}]`;
}

export function wrkScript(path: string, bodies: readonly string[]): string {
  return [
    "local reqs = {}",
    "local i = 0",
    "function init(args)",
    ...bodies.map(
      (b) =>
        `  reqs[#reqs + 1] = wrk.format("POST", ${luaString(path)}, {["Content-Type"] = "application/json"}, ${luaString(b)})`,
    ),
    "end",
    "function request()",
    "  i = i % #reqs + 1",
    "  return reqs[i]",
    "end",
    "function done(summary, latency, requests)",
    "  local e = summary.errors",
    '  io.write(string.format(\'WRKJSON {"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,"p50_us":%d,"p99_us":%d}\\n\',',
    "    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,",
    "    latency:percentile(50), latency:percentile(99)))",
    "end",
    "",
  ].join("\n");
}

/** One wrk run (one thread) against `url`; `cpu` pins it with taskset. */
export async function runWrk(opts: {
  url: string;
  /** The route (default chat completions). */
  path?: string;
  connections: number;
  durationS: number;
  bodyFor: (connection: number) => string;
  cpu?: number | undefined;
}): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), "bench-wrk-"));
  try {
    const script = join(dir, "post.lua");
    const bodies = Array.from({ length: opts.connections }, (_, i) => opts.bodyFor(i));
    writeFileSync(script, wrkScript(opts.path ?? CHAT_PATH, bodies));
    const args = [
      "-t1",
      `-c${opts.connections}`,
      `-d${opts.durationS}s`,
      "--timeout",
      "30s",
      "-s",
      script,
      opts.url,
    ];
    const [cmd, argv] =
      opts.cpu !== undefined
        ? ["taskset", ["-c", String(opts.cpu), "wrk", ...args]]
        : ["wrk", args];
    const proc = spawn(cmd as string, argv as string[], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
    let cpu: number | null = null;
    const sampler = setInterval(() => {
      if (proc.pid !== undefined) cpu = cpuMicros(proc.pid) ?? cpu;
    }, 100);
    const code = await new Promise<number | null>((resolve) => proc.on("exit", resolve));
    clearInterval(sampler);
    const line = out.split("\n").find((l) => l.startsWith("WRKJSON "));
    if (code !== 0 || !line)
      throw new BenchError("wrk_failed", `wrk failed (exit ${code}): ${err || out}`);
    const j = JSON.parse(line.slice(8)) as {
      requests: number;
      duration_us: number;
      status_errors: number;
      socket_errors: number;
      p50_us: number;
      p99_us: number;
    };
    const ok = j.requests - j.status_errors;
    return {
      rps: ok / (j.duration_us / 1e6),
      total: ok,
      errors: j.status_errors + j.socket_errors,
      p50: j.p50_us / 1000,
      p99: j.p99_us / 1000,
      cpuUs: cpu,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
