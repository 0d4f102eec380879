/**
 * The runner's side of agent-core's environment class registry: the `--environment-class` flag
 * and the config override accept exactly the registry's keys; errors are told apart by code.
 */
import {
  AgentCoreError,
  ConfigError,
  ENVIRONMENT_CLASSES,
  type EnvironmentClassName,
} from "@thunderagent/agent-core";
import { describe, expect, it } from "vitest";
import {
  SwebenchError,
  UsageError,
  isUsageError,
  parseCli,
  pythonSlice,
  resolveConfig,
  sweepRunLeftovers,
  usage,
} from "../src/index.js";

const keys = Object.keys(ENVIRONMENT_CLASSES) as EnvironmentClassName[];
const flags = (envClass: string) => ["-o", "/tmp/x", "--environment-class", envClass];

describe("environment classes in the runner", () => {
  it("--environment-class accepts exactly the registry's keys, and the usage lists them", () => {
    for (const key of keys) {
      const cli = parseCli(flags(key));
      expect(cli !== "help" && cli.environmentClass).toBe(key);
      expect(
        resolveConfig(["swebench.yaml"], { environmentClass: key }).environment.environment_class,
      ).toBe(key);
    }
    expect(() => parseCli(flags("not-a-registered-class"))).toThrow(
      `--environment-class must be ${keys.join(" or ")}`,
    );
    expect(usage()).toMatch(new RegExp(`--environment-class <CLASS> +${keys.join(" \\| ")}`));
  });

  it("sweeping a run's leftovers goes through the class (local: nothing to sweep)", async () => {
    const config = resolveConfig(["swebench.yaml"], { environmentClass: "local" });
    expect(await sweepRunLeftovers(config, "run-1")).toBe(0);
  });
});

describe("runner errors", () => {
  it("one base with a literal code; usage errors are told apart by class and code", () => {
    const usage = new UsageError("--workers must be an integer");
    expect(usage).toBeInstanceOf(SwebenchError);
    expect(usage.code).toBe("usage");
    expect(isUsageError(usage)).toBe(true);
    expect(isUsageError(new SwebenchError("config_not_found", "config file not found: x"))).toBe(
      true,
    );
    expect(isUsageError(new ConfigError("environment_class: invalid"))).toBe(true);
    expect(isUsageError(new AgentCoreError("command_timeout", "config"))).toBe(false);
    // A message that merely starts with "config" is not a usage error any more.
    expect(isUsageError(new Error("config is fine, the disk is full"))).toBe(false);
    const notFound = (() => {
      try {
        resolveConfig(["no-such-config.yaml"]);
      } catch (error) {
        return error;
      }
    })();
    expect(notFound).toMatchObject({ code: "config_not_found" });
    expect(() => pythonSlice([1, 2], "0:2:0")).toThrow(SwebenchError);
    expect(new SwebenchError("dataset_unavailable", "x", { retryable: true }).retryable).toBe(true);
  });
});
