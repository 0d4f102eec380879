import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, makeConfig, parseByteSize } from "../src/config.js";

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
    expect(tuned.sharedCreditWhenQueued).toBe(false);
    expect(tuned).toMatchObject({
      bufferPerProgram: DEFAULT_ROUTER_OPTIONS.bufferPerProgram,
      sharedCreditWhenQueued: DEFAULT_ROUTER_OPTIONS.sharedCreditWhenQueued,
    });
    const paper = routerOptions(
      loadConfig(["--buffer-per-program", "100", "--queued-shared-credit"], {}).config,
    );
    expect(paper).toEqual({ ...ORIGINAL_THUNDERAGENT_OPTIONS, profile: false });
    const fromEnv = routerOptions(
      loadConfig([], {
        THUNDERAGENT_BUFFER_PER_PROGRAM: "100",
        THUNDERAGENT_QUEUED_SHARED_CREDIT: "true",
      }).config,
    );
    expect(fromEnv.bufferPerProgram).toBe(100);
    expect(fromEnv.sharedCreditWhenQueued).toBe(true);
    // --no-queued-shared-credit (the old opt-in) still works and wins.
    const both = routerOptions(
      loadConfig(["--queued-shared-credit", "--no-queued-shared-credit"], {}).config,
    );
    expect(both.sharedCreditWhenQueued).toBe(false);
    expect(() => loadConfig(["--buffer-per-program", "-1"], {})).toThrow(/--buffer-per-program/);
  });
});
