import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_CONFIG_PATH,
  isOverrideSpec,
  mergeConfigs,
  overrideToConfig,
  parseConfigYaml,
  parseMiniConfig,
  readDefaultConfigText,
} from "../src/index.js";

describe("mini-swe-agent config", () => {
  it("ships the seed's swebench.yaml unchanged and loads it", () => {
    const text = readDefaultConfigText();
    expect(text).toBe(readFileSync(DEFAULT_CONFIG_PATH, "utf8"));
    expect(text.length).toBe(7859);
    const config = parseMiniConfig(parseConfigYaml(text));
    expect(config.agent.step_limit).toBe(135);
    expect(config.agent.cost_limit).toBe(10);
    expect(config.agent.action_observation_template).toContain("output.output[:5000]");
    expect(config.environment).toMatchObject({
      cwd: "/testbed",
      timeout: 60,
      environment_class: "docker",
      env: {
        PAGER: "cat",
        MANPAGER: "cat",
        LESS: "-R",
        PIP_PROGRESS_BAR: "off",
        TQDM_DISABLE: "1",
      },
    });
    expect(config.model).toMatchObject({
      model_class: "vllm",
      model_name: "zai-org/GLM-4.6-FP8",
      base_url: "http://localhost:8000/v1",
      api_key: "DUMMY",
      model_kwargs: { drop_params: true, temperature: 0 },
      stream: true,
      max_completion_tokens: 2048,
    });
  });

  it("merges layers in order and applies key.path=value overrides as YAML scalars", () => {
    const base = parseConfigYaml(readDefaultConfigText());
    const merged = mergeConfigs(
      base,
      parseConfigYaml("model:\n  model_kwargs:\n    temperature: 0.7\nagent:\n  step_limit: 5\n"),
      overrideToConfig("model.model_name=qwen"),
      overrideToConfig("environment.timeout=7"),
      overrideToConfig("model.stream=false"),
    );
    const config = parseMiniConfig(merged);
    expect(config.model.model_name).toBe("qwen");
    expect(config.model.model_kwargs).toEqual({ drop_params: true, temperature: 0.7 });
    expect(config.agent.step_limit).toBe(5);
    expect(config.environment.timeout).toBe(7);
    expect(config.model.stream).toBe(false);
    expect(config.agent.system_template).toContain("You are a helpful assistant");
    expect(isOverrideSpec("model.model_name=x")).toBe(true);
    expect(isOverrideSpec("configs/a.yaml")).toBe(false);
  });

  it("accepts mini-swe-agent 2.x's layout (observation/format templates under model)", () => {
    const config = parseMiniConfig({
      model: { action_observation_template: "obs {{output.output}}", model_name: "m" },
    });
    expect(config.agent.action_observation_template).toBe("obs {{output.output}}");
    expect(config.model).not.toHaveProperty("action_observation_template");
  });

  it("rejects bad values clearly", () => {
    expect(() => parseMiniConfig({ environment: { environment_class: "k8s" } })).toThrow(
      /environment_class/,
    );
    expect(() => parseConfigYaml("- a\n- b\n", "x.yaml")).toThrow(
      /x.yaml: the top level must be a mapping/,
    );
  });
});
