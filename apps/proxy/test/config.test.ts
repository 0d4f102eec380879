import { describe, expect, it } from "vitest";
import {
  ConfigError,
  loadConfig,
  makeConfig,
  parseByteSize,
  readCommandLine,
} from "../src/config.js";

describe("config", () => {
  it("has ThunderAgent's defaults and is frozen", () => {
    const c = makeConfig();
    expect(c).toMatchObject({
      host: "0.0.0.0",
      port: 8300,
      logLevel: "info",
      backends: ["http://localhost:8000"],
      backendType: "vllm",
      router: "tr",
      profile: false,
      profileDir: "/tmp/thunderagent_profiles",
      metrics: false,
      metricsInterval: 5,
      schedulerInterval: 5,
      actingTokenWeight: 1,
      useActingTokenDecay: false,
      bodyLimit: 64 * 1024 * 1024,
      dockerGc: false,
      apiKey: null,
      upstreamTimeout: null,
      connectTimeout: 10,
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.backends)).toBe(true);
  });

  it("reads flags, with env as fallback", () => {
    const { config } = loadConfig(
      [
        "--backends",
        "http://a:1/, http://b:2",
        "--router=default",
        "--profile",
        "--metrics-interval",
        "1.5",
        "--log-level",
        "WARNING",
        "--body-limit",
        "1MiB",
      ],
      { THUNDERAGENT_API_KEY: "k", THUNDERAGENT_ROUTER: "tr", THUNDERAGENT_DOCKER_GC: "1" },
    );
    expect(config.backends).toEqual(["http://a:1", "http://b:2"]);
    expect(config.router).toBe("default");
    expect(config.profile).toBe(true);
    expect(config.metricsInterval).toBe(1.5);
    expect(config.logLevel).toBe("warn");
    expect(config.bodyLimit).toBe(1024 * 1024);
    expect(config.apiKey).toBe("k");
    expect(config.dockerGc).toBe(true);
  });

  it("names the flag in every error", () => {
    expect(() => loadConfig(["--router", "fast"], {})).toThrow(/--router/);
    expect(() => loadConfig(["--backends", "localhost:8000"], {})).toThrow(/--backends.*http/);
    expect(() => loadConfig(["--port", "x"], {})).toThrow(/--port/);
    expect(() => loadConfig(["--body-limit", "lots"], {})).toThrow(/--body-limit/);
    expect(() => loadConfig(["--nope"], {})).toThrow(ConfigError);
    expect(() => loadConfig(["--scheduler-interval", "0"], {})).toThrow(/--scheduler-interval/);
  });

  it("reads the command line as argparse would: prefixes, env fallback, --help, relative paths", () => {
    const cl = readCommandLine(
      ["--sched", "2", "--profile-dir", "profiles", "--port", "9000"],
      { THUNDERAGENT_PORT: "1", THUNDERAGENT_METRICS: "true", INIT_CWD: "/home/me" },
      { cwd: "/repo" },
    );
    if (cl.kind !== "run") throw new Error(cl.kind);
    expect(cl.config).toMatchObject({
      schedulerInterval: 2,
      profileDir: "/home/me/profiles",
      port: 9000,
      metrics: true,
    });
    const noInit = readCommandLine(["--profile-dir", "p"], {}, { cwd: "/repo" });
    expect(noInit.kind === "run" && noInit.config.profileDir).toBe("/repo/p");
    expect(readCommandLine(["--bogus", "--help"], {}).kind).toBe("help");
    expect(readCommandLine(["--version"], {}).kind).toBe("version");
    expect(() => readCommandLine(["--acting", "2"], {})).toThrow(
      "ambiguous option: --acting could match --acting-token-weight, --acting-decay-base",
    );
    expect(() => loadConfig(["--help"], {})).toThrow(ConfigError);
  });

  it("parses byte sizes", () => {
    expect(parseByteSize("67108864")).toBe(67108864);
    expect(parseByteSize("64mb")).toBe(64 * 1024 * 1024);
    expect(parseByteSize("512K")).toBe(512 * 1024);
    expect(parseByteSize("1.5GiB")).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize("abc")).toBeUndefined();
  });
});

describe("policy flags beyond the original", () => {
  it("default to router-core's defaults and switch back to the original's policy", async () => {
    const { routerOptions } = await import("../src/create-router.js");
    const { DEFAULT_ROUTER_OPTIONS, ORIGINAL_THUNDERAGENT_OPTIONS } =
      await import("@thunderagent/router-core");
    const tuned = routerOptions(loadConfig([], {}).config);
    expect(tuned.bufferPerProgram).toBe(600);
    expect(tuned).toMatchObject({
      bufferPerProgram: DEFAULT_ROUTER_OPTIONS.bufferPerProgram,
      sharedCredit: DEFAULT_ROUTER_OPTIONS.sharedCredit,
      markReasoning: DEFAULT_ROUTER_OPTIONS.markReasoning,
    });
    const original = routerOptions(loadConfig(["--policy", "original"], {}).config);
    expect(original).toEqual({ ...ORIGINAL_THUNDERAGENT_OPTIONS, profile: false });
    expect(original).toMatchObject({
      bufferPerProgram: 100,
      sharedCredit: "never",
      markReasoning: "all",
    });
    const fromEnv = routerOptions(
      loadConfig([], {
        THUNDERAGENT_POLICY: "original",
        THUNDERAGENT_SHARED_CREDIT: "always",
      }).config,
    );
    // A single flag overrides one setting of the preset.
    expect(fromEnv).toMatchObject({ bufferPerProgram: 100, sharedCredit: "always" });
    const mixed = routerOptions(
      loadConfig(["--buffer-per-program", "250", "--mark-reasoning", "all"], {}).config,
    );
    expect(mixed).toMatchObject({
      bufferPerProgram: 250,
      sharedCredit: DEFAULT_ROUTER_OPTIONS.sharedCredit,
      markReasoning: "all",
    });
    const credit = routerOptions(loadConfig(["--shared-credit", "unless-queued"], {}).config);
    expect(credit).toMatchObject({ bufferPerProgram: 600, sharedCredit: "unless-queued" });
    expect(() => loadConfig(["--policy", "paper"], {})).toThrow(/--policy/);
    expect(() => loadConfig(["--shared-credit", "sometimes"], {})).toThrow(/--shared-credit/);
    expect(() => loadConfig(["--buffer-per-program", "-1"], {})).toThrow(/--buffer-per-program/);
  });
});
