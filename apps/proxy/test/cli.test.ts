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
  it("exits 2 with the reason on a bad flag or environment", async () => {
    const bad = run(["--router", "fast"]);
    expect(await bad.exited).toBe(2);
    expect(bad.err()).toMatch(/--router: .*"default"\|"tr"/);
    expect(bad.err()).toMatch(/usage: thunderagent/);
    const env = run([], { THUNDERAGENT_PORT: "not-a-port" });
    expect(await env.exited).toBe(2);
    expect(env.err()).toMatch(/--port/);
  }, 60_000);

  it("serves, then on SIGTERM finishes the CSV, closes and exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ta-cli-"));
    const port = await freePort();
    const proc = run([
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--backends",
      engine.url,
      "--profile",
      "--profile-dir",
      dir,
      "--log-level",
      "info",
    ]);
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
      const rows = decodeStepProfileCsv(readFileSync(join(dir, "step_profiles.csv"), "utf8"));
      expect(rows.map((r) => r.program_id)).toEqual(["cli-1"]);
    } finally {
      proc.child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
