import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { PROFILES } from "../../src/profiles/index.js";
import { UsageError, parseCli, readCommandLine } from "../../src/cli/args.js";
import { resolveServerOptions } from "../../src/index.js";

describe("engine-sim flags", () => {
  it("maps vLLM-style flags onto server options", () => {
    const c = parseCli([
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--profile",
      "qwen3-235b",
      "--served-model-name",
      "a",
      "--served-model-name",
      "b",
      "--kv-tokens",
      "160000",
      "--max-model-len",
      "32768",
      "--max-num-seqs",
      "64",
      "--max-num-batched-tokens",
      "4096",
      "--time-scale",
      "0.01",
      "--enable-prompt-tokens-details",
      "--seed",
      "5",
      "--continuum",
    ]);
    expect(c.port).toBe(0);
    expect(c.server).toMatchObject({
      profile: "qwen3-235b",
      servedModelNames: ["a", "b"],
      kvTokens: 160_000,
      maxModelLen: 32_768,
      maxNumSeqs: 64,
      maxNumBatchedTokens: 4096,
      timeScale: 0.01,
      enablePromptTokensDetails: true,
      seed: 5,
      continuum: true,
    });
    const r = resolveServerOptions(c.server);
    expect(r.engine.numGpuBlocks).toBe(10_000);
    expect(r.engine.timing).toEqual(PROFILES["qwen3-235b"].engine.timing);
    expect(r.engine.continuum).toEqual({ ttlS: 2, maxMeanToolS: 2 });
    expect(r.model).toBe("Qwen/Qwen3-235B-A22B-Instruct-2507");
  });

  it("takes several served names after one flag, as vLLM does", () => {
    expect(
      parseCli(["--served-model-name", "a", "b", "--seed", "1"]).server.servedModelNames,
    ).toEqual(["a", "b"]);
  });

  it("defaults to the glm4.6 profile on port 8000", () => {
    const c = parseCli([]);
    expect(c.port).toBe(8000);
    const r = resolveServerOptions(c.server);
    expect(r.engine.numGpuBlocks * r.engine.blockSize).toBe(PROFILES["glm4.6"].kvTokens);
    expect(r.engine.timing).toEqual(PROFILES["glm4.6"].engine.timing);
    expect(r.timeScale).toBe(1);
  });

  it("rejects bad input with clear messages", () => {
    expect(() => parseCli(["--profile", "gpt"])).toThrow(
      /--profile must be one of glm4\.6, qwen3-235b/,
    );
    expect(() => parseCli(["--port", "abc"])).toThrow(UsageError);
    expect(() => parseCli(["--time-scale", "0"])).toThrow(/--time-scale must be a number > 0/);
    expect(() => parseCli(["--bogus"])).toThrow(UsageError);
    expect(() => parseCli(["--kv-tokens", "1000", "--num-gpu-blocks", "10"])).toThrow(/not both/);
    expect(() => resolveServerOptions(parseCli(["--kv-tokens", "1000"]).server)).toThrow(
      /max_model_len 202752 is larger/,
    );
  });

  it("reads ENGINE_SIM_* when a flag is absent; the flag wins", () => {
    const env = {
      ENGINE_SIM_TIME_SCALE: "0.5",
      ENGINE_SIM_SERVED_MODEL_NAME: "a,b",
      ENGINE_SIM_PORT: "x",
    };
    const cl = readCommandLine(["--port", "9"], env);
    if (cl.kind !== "run") throw new Error(cl.kind);
    expect(cl.cli.port).toBe(9);
    expect(cl.cli.server).toMatchObject({ timeScale: 0.5, servedModelNames: ["a", "b"] });
    expect(() => readCommandLine([], { ENGINE_SIM_INSTANT: "maybe" })).toThrow(
      '--instant (from ENGINE_SIM_INSTANT) must be true or false, got "maybe"',
    );
    expect(readCommandLine([], { ENGINE_SIM_INSTANT: "1" })).toMatchObject({
      cli: { server: { instant: true } },
    });
    expect(() => parseCli(["--max-num-seq", "4"])).toThrow(
      "unknown option '--max-num-seq'; did you mean --max-num-seqs?",
    );
  });
});

describe("the engine-sim process", () => {
  const root = join(import.meta.dirname, "../../../..");
  const tsx = pathToFileURL(join(root, "node_modules/tsx/dist/esm/index.mjs")).href;
  const main = join(import.meta.dirname, "../../src/main.ts");
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(
      process.execPath,
      ["--conditions=@thunderagent/source", "--import", tsx, main, ...args],
      {
        encoding: "utf8",
        timeout: 120_000,
        env: { ...process.env, ...env },
      },
    );

  it("exits 2 with one line and no stack trace", () => {
    const r = run(["--profile", "gpt5"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'engine-sim: --profile must be one of glm4.6, qwen3-235b, got "gpt5" (see --help)\n',
    );
    const typo = run(["--time-scal", "1"]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toBe(
      "engine-sim: unknown option '--time-scal'; did you mean --time-scale? (see --help)\n",
    );
  }, 280_000);

  it("--help and --version print and exit 0 without listening", () => {
    const help = run(["--port", "1", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: engine-sim \[options\]/);
    expect(help.stdout).toContain("[$ENGINE_SIM_TIME_SCALE]");
    expect(help.stdout).not.toContain("listening");
    const version = run(["--version"]);
    expect(version.status).toBe(0);
    const pkg = JSON.parse(
      readFileSync(join(import.meta.dirname, "../../package.json"), "utf8"),
    ) as {
      version: string;
    };
    expect(version.stdout).toBe(`${pkg.version}\n`);
  }, 280_000);

  it("serves with settings from ENGINE_SIM_*, a flag beating its variable", async () => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=@thunderagent/source",
        "--import",
        tsx,
        main,
        "--host",
        "127.0.0.1",
        "--port",
        "0",
      ],
      {
        env: {
          ...process.env,
          ENGINE_SIM_PORT: "not-a-port",
          ENGINE_SIM_SERVED_MODEL_NAME: "from-env",
          ENGINE_SIM_INSTANT: "true",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      const line = await new Promise<{ model: string; timeScale: unknown }>((resolve, reject) => {
        let buf = "";
        child.stdout.on("data", (d: Buffer) => {
          buf += d.toString("utf8");
          const hit = buf.split("\n").find((l) => l.includes("engine-sim listening"));
          if (hit) resolve(JSON.parse(hit) as { model: string; timeScale: unknown });
        });
        child.on("exit", (code) => reject(new Error(`engine-sim exited with ${code}`)));
      });
      expect(line.model).toBe("from-env");
      expect(line.timeScale).toBe("instant");
    } finally {
      child.kill("SIGTERM");
    }
  }, 280_000);
});
