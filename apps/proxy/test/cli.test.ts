import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { decodeStepProfileCsv } from "@thunderagent/protocol";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODEL, startEngine, type Engine } from "./helpers/engines.js";
import { freePort } from "./helpers/ports.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const tsx = pathToFileURL(join(root, "node_modules", "tsx", "dist", "esm", "index.mjs")).href;
const main = join(here, "..", "src", "main.ts");

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ["--conditions=@thunderagent/source", "--import", tsx, main, ...args],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, out: () => out, err: () => err };
}

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});
afterAll(async () => {
  await engine.close();
});

describe("thunderagent CLI", () => {
  it("exits 2 with one line naming the flag, not the usage, on a bad flag or environment", async () => {
    const bad = run(["--router", "fast"]);
    expect(await bad.exited).toBe(2);
    expect(bad.err()).toBe(
      'thunderagent: --router must be one of default, tr, got "fast" (see --help)\n',
    );
    const env = run([], { THUNDERAGENT_PORT: "not-a-port" });
    expect(await env.exited).toBe(2);
    expect(env.err()).toBe(
      'thunderagent: --port (from THUNDERAGENT_PORT) must be an integer 0–65535, got "not-a-port" (see --help)\n',
    );
  }, 150_000);

  it("--help and --version print and exit 0, whatever else is on the line", async () => {
    const help = run(["--port", "nope", "--help"]);
    const version = run(["--version"]);
    expect(await help.exited).toBe(0);
    expect(help.out()).toMatch(/^Usage: thunderagent \[options\]/);
    expect(help.out()).toContain("[$THUNDERAGENT_SCHEDULER_INTERVAL]");
    expect(help.err()).toBe("");
    expect(await version.exited).toBe(0);
    const pkg = JSON.parse(readFileSync(join(here, "..", "package.json"), "utf8")) as {
      version: string;
    };
    expect(version.out()).toBe(`${pkg.version}\n`);
  }, 150_000);

  it("takes unique prefixes as argparse does; ambiguous and unknown flags are one line", async () => {
    // --metrics-int is --metrics-interval: its value is then checked as that flag's.
    const prefix = run(["--metrics-int", "0"]);
    const ambiguous = run(["--backend", "http://x:1"]);
    const unknown = run(["--bakends", "http://x:1"]);
    expect(await prefix.exited).toBe(2);
    expect(prefix.err()).toMatch(
      /^thunderagent: --metrics-interval must be a number of seconds > 0, got "0"/,
    );
    expect(await ambiguous.exited).toBe(2);
    expect(ambiguous.err()).toBe(
      "thunderagent: ambiguous option: --backend could match --backends, --backend-type, --backend-api-key (see --help)\n",
    );
    expect(await unknown.exited).toBe(2);
    expect(unknown.err()).toBe(
      "thunderagent: unknown option '--bakends'; did you mean --backends? (see --help)\n",
    );
  }, 150_000);

  it("serves, then on SIGTERM finishes the CSV, closes and exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ta-cli-"));
    const port = await freePort();
    // The backends come from the environment, the flag beats THUNDERAGENT_PORT, a prefix names
    // --profile-dir, and its relative value lands in INIT_CWD (where `pnpm thunderagent` was run).
    const proc = run(
      ["--host", "127.0.0.1", "--port", String(port), "--profile", "--profile-d", "profiles"],
      {
        THUNDERAGENT_BACKENDS: engine.url,
        THUNDERAGENT_PORT: "1",
        THUNDERAGENT_LOG_LEVEL: "info",
        INIT_CWD: dir,
      },
    );
    try {
      const url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 45_000;
      for (;;) {
        if (proc.out().includes('"msg":"listening"')) break;
        if (Date.now() > deadline) throw new Error(`no "listening" line: ${proc.err()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await request(`${url}/health`)).statusCode).toBe(200);
      const res = await request(`${url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({
          model: MODEL,
          max_tokens: 4,
          program_id: "cli-1",
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      expect(res.statusCode).toBe(200);
      await res.body.json();
      proc.child.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
      expect(proc.out()).toContain('"msg":"stopped"');
      const csv = join(dir, "profiles", "step_profiles.csv");
      const rows = decodeStepProfileCsv(readFileSync(csv, "utf8"));
      expect(rows.map((r) => r.program_id)).toEqual(["cli-1"]);
    } finally {
      proc.child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
