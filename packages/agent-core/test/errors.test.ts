/** agent-core's errors: one base with a literal code; told apart by class or code. */
import { describe, expect, it } from "vitest";
import {
  AgentCoreError,
  CommandTimeoutError,
  ConfigError,
  ContextLengthExceededError,
  EnvironmentError,
  TemplateSyntaxError,
  TemplateUndefinedError,
  parseConfigYaml,
  parseMiniConfig,
  renderTemplate,
} from "../src/index.js";

describe("AgentCoreError", () => {
  it("every error class extends it with its own code and keeps its own name", () => {
    const cases: Array<[AgentCoreError, string, string]> = [
      [new CommandTimeoutError("sleep 9", 1, ""), "command_timeout", "CommandTimeoutError"],
      [new EnvironmentError("no engine"), "environment_unavailable", "EnvironmentError"],
      [
        new ContextLengthExceededError("too long", 10),
        "context_length_exceeded",
        "ContextLengthExceededError",
      ],
      [new TemplateSyntaxError("x"), "template_syntax", "TemplateSyntaxError"],
      [new TemplateUndefinedError("x"), "template_undefined", "TemplateUndefinedError"],
      [new ConfigError("x"), "invalid_config", "ConfigError"],
    ];
    for (const [error, code, name] of cases) {
      expect(error).toBeInstanceOf(AgentCoreError);
      expect(error.code).toBe(code);
      expect(error.name).toBe(name);
      expect(error.retryable).toBe(false);
    }
    expect(new EnvironmentError("busy", { retryable: true }).retryable).toBe(true);
  });

  it("bad configs and templates throw them", () => {
    const thrown = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error;
      }
      return null;
    };
    expect(thrown(() => parseMiniConfig({ agent: { step_limit: "x" } }))).toBeInstanceOf(
      ConfigError,
    );
    expect(thrown(() => parseConfigYaml("a: [", "x.yaml"))).toBeInstanceOf(ConfigError);
    expect(thrown(() => parseConfigYaml("- a\n", "x.yaml"))).toBeInstanceOf(ConfigError);
    expect(thrown(() => renderTemplate("{{ nope }}", {}))).toMatchObject({
      code: "template_undefined",
    });
  });
});
