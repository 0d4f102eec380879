import { describe, expect, it } from "vitest";
import type { ConfigWarning } from "@thunderagent/agent-core";
import { isUsageError, parseCli, resolveConfig } from "../src/index.js";

describe("-c specs", () => {
  it("no -c: the seed's v1 swebench.yaml; the shipped v2 examples by name", () => {
    expect(resolveConfig([]).agent).toMatchObject({ dialect: "v1", step_limit: 135 });
    expect(resolveConfig(["swebench-v2.yaml"]).agent).toMatchObject({
      dialect: "v2",
      action_mode: "tool_calls",
    });
    const text = resolveConfig(["swebench-v2-backticks.yaml", "agent.step_limit=7"]);
    expect(text.agent).toMatchObject({ dialect: "v2", action_mode: "text", step_limit: 7 });
  });

  it("giving -c drops the default file, with a warning when only overrides are given", () => {
    const warnings: ConfigWarning[] = [];
    const c = resolveConfig(["agent.step_limit=9"], { onWarning: (w) => warnings.push(w) });
    expect(c.agent.step_limit).toBe(9);
    expect(c.agent.instance_template).not.toContain("pr_description");
    expect(warnings[0]?.message).toMatch(/drops the default swebench\.yaml/);
  });

  it("unknown keys: a warning naming each; --strict makes it a usage error", () => {
    const warnings: ConfigWarning[] = [];
    resolveConfig(["swebench.yaml", "agent.steplimit=3", "model.modelname=x"], {
      onWarning: (w) => warnings.push(w),
    });
    expect(warnings.map((w) => w.path)).toEqual(["agent.steplimit", "model.modelname"]);
    let error: unknown;
    try {
      resolveConfig(["swebench.yaml", "agent.steplimit=3"], { strict: true });
    } catch (e) {
      error = e;
    }
    expect(isUsageError(error)).toBe(true);
    expect((error as Error).message).toMatch(/agent\.steplimit: unknown key/);
    const o = parseCli(["-o", "/x", "--strict", "-c", "swebench-v2.yaml"], { cwd: "/repo" });
    expect(o).toMatchObject({ strict: true, config: ["swebench-v2.yaml"] });
  });

  it("a v2 {{error}} template in a v1 slot fails when the config loads", () => {
    expect(() =>
      resolveConfig(["swebench.yaml", "agent.format_error_template=oops {{error}}"]),
    ).toThrow(/agent\.format_error_template uses \{\{error\}\}/);
  });
});
