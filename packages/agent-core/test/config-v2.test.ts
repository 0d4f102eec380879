import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import {
  type ConfigWarning,
  SHIPPED_CONFIGS,
  parseConfigYaml,
  parseMiniConfig,
  readDefaultConfigText,
  templateVariables,
} from "../src/index.js";

const shipped = (name: string) => parseConfigYaml(readFileSync(SHIPPED_CONFIGS[name]!, "utf8"));

/** A v2-layout config as upstream writes it: templates under model, {{error}} in format errors. */
const V2_TOOLCALL = {
  agent: { system_template: "sys", instance_template: "{{task}}", step_limit: 250, cost_limit: 3 },
  environment: { cwd: "/testbed", timeout: 60, interpreter: ["bash", "-c"] },
  model: {
    observation_template: "{{output.output}}[exit code {{output.returncode}}]",
    format_error_template: "Tool call error:\n<error>\n{{error}}\n</error>",
    model_name: "m",
    model_kwargs: { parallel_tool_calls: true },
  },
};

describe("config layouts: v1 and mini-swe-agent v2", () => {
  it("the shipped v1 file is v1, text mode with ```bash blocks", () => {
    const c = parseMiniConfig(parseConfigYaml(readDefaultConfigText()));
    expect(c.agent).toMatchObject({ dialect: "v1", action_mode: "text", step_limit: 135 });
    expect(c.agent.action_regex).toBe("```bash\\s*\\n(.*?)\\n```");
    expect(c.agent.timeout_template).toContain("timed out");
  });

  it("the shipped v2 examples: tool calling, and text mode with ```mswea_bash_command", () => {
    const tool = parseMiniConfig(shipped("swebench-v2.yaml"));
    expect(tool.agent).toMatchObject({ dialect: "v2", action_mode: "tool_calls", step_limit: 250 });
    expect(tool.agent.timeout_template).toBeNull();
    expect(tool.agent.max_consecutive_format_errors).toBe(3);
    expect(tool.model).not.toHaveProperty("observation_template");
    const text = parseMiniConfig(shipped("swebench-v2-backticks.yaml"));
    expect(text.agent).toMatchObject({ dialect: "v2", action_mode: "text" });
    expect(text.agent.action_regex).toContain("mswea_bash_command");
  });

  it("an upstream-style v2 config loads with its own semantics; {{error}} is provided", () => {
    const warnings: ConfigWarning[] = [];
    const c = parseMiniConfig(V2_TOOLCALL, { onWarning: (w) => warnings.push(w) });
    expect(c.agent.action_mode).toBe("tool_calls");
    expect(c.agent.action_observation_template).toBe(V2_TOOLCALL.model.observation_template);
    expect(c.agent.format_error_template).toContain("{{error}}");
    expect(warnings.map((w) => w.path)).toEqual(["environment.interpreter"]);
  });

  it("a v2 format-error template reading {{actions}} without a text model class runs in text mode", () => {
    const warnings: ConfigWarning[] = [];
    const raw = {
      ...V2_TOOLCALL,
      model: { ...V2_TOOLCALL.model, format_error_template: "{{error}} found {{actions|length}}" },
    };
    const c = parseMiniConfig(raw, { onWarning: (w) => warnings.push(w) });
    expect(c.agent.action_mode).toBe("text");
    expect(warnings.map((w) => w.path)).toContain("model.format_error_template");
  });

  it("a template variable the agent does not provide is an error at load time", () => {
    // v1 semantics never provide {{error}}: upstream's v2 template in a v1 slot
    expect(() => parseMiniConfig({ agent: { format_error_template: "Error: {{error}}" } })).toThrow(
      /agent\.format_error_template uses \{\{error\}\}, which the agent does not provide/,
    );
    // tool-calling mode has no {{actions}} in observations
    expect(() =>
      parseMiniConfig({
        ...V2_TOOLCALL,
        model: { ...V2_TOOLCALL.model, observation_template: "{{outptu.output}} {{actions}}" },
      }),
    ).toThrow(/model\.observation_template uses \{\{outptu\}\}, \{\{actions\}\}/);
    expect(() => parseMiniConfig({ agent: { instance_template: "{% if %}" } })).toThrow(
      /agent\.instance_template: invalid template/,
    );
    expect(() => parseMiniConfig({ model: { action_regex: "(" } })).toThrow(/action_regex/);
  });

  it("unknown and misplaced keys are named in warnings; strict makes them an error", () => {
    const raw = {
      ...V2_TOOLCALL,
      agent: { ...V2_TOOLCALL.agent, action_observation_template: "x", steplimit: 3 },
      model: { ...V2_TOOLCALL.model, modle_kwargs: {} },
      extra_section: {},
    };
    const warnings: ConfigWarning[] = [];
    parseMiniConfig(raw, { onWarning: (w) => warnings.push(w) });
    expect(warnings.map((w) => w.path).sort()).toEqual([
      "agent.action_observation_template",
      "agent.steplimit",
      "environment.interpreter",
      "extra_section",
      "model.modle_kwargs",
    ]);
    expect(warnings.find((w) => w.path === "agent.action_observation_template")?.message).toMatch(
      /model\.observation_template/,
    );
    expect(() => parseMiniConfig(raw, { strict: true })).toThrow(
      /unknown or misplaced config keys: .*agent\.steplimit/,
    );
  });

  it("template variables: bound and guarded names are not required", () => {
    const v = templateVariables(
      "{% set n = output.output | length %}{% for a in actions %}{{a}}{{loop.index}}{% endfor %}" +
        "{% if finish_reason is defined and finish_reason == 'length' %}{{n}}{% endif %}{{x['k']}}",
    );
    expect([...v.required].sort()).toEqual(["actions", "output", "x"]);
    expect([...v.optional]).toEqual(["finish_reason"]);
  });
});
