import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { PROFILES } from "../../src/profiles/index.js";
import { UsageError, parseCli } from "../../src/cli/args.js";
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

  it("the CLI exits 2 with a message and no stack trace", () => {
    const root = join(import.meta.dirname, "../../../..");
    const tsx = pathToFileURL(join(root, "node_modules/tsx/dist/esm/index.mjs")).href;
    const main = join(import.meta.dirname, "../../src/main.ts");
    const r = spawnSync(
      process.execPath,
      ["--conditions=@thunderagent/source", "--import", tsx, main, "--profile", "gpt5"],
      {
        encoding: "utf8",
        timeout: 55_000,
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/engine-sim: --profile must be one of/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
