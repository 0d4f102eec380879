/**
 * Load-time check of the agent's templates: every variable a template requires must be one the
 * agent provides when it renders that template (mini-swe-agent renders with StrictUndefined, so a
 * missing one would fail at run time, after the first model call). Also compiles `action_regex`.
 * @module
 */
import { compileActionRegex } from "../agent/tool-actions.js";
import { ConfigError } from "../errors.js";
import { TemplateSyntaxError } from "../template/render-template.js";
import { templateVariables } from "../template/template-variables.js";
import type { MiniConfig } from "./mini-config.js";

/** What the environments and the model add to every render (docker, local, the model client). */
const RUNTIME_VARS = [
  "task",
  "n_model_calls",
  "model_cost",
  "elapsed_seconds",
  "image",
  "container_id",
  "system",
  "release",
  "version",
  "machine",
];

/** Variables each template gets on top of the common ones, by dialect and mode. */
function specificVars(config: MiniConfig): Record<string, string[]> {
  const { dialect, action_mode: mode } = config.agent;
  const formatError =
    dialect === "v1"
      ? ["actions"]
      : mode === "text"
        ? ["actions", "error", "finish_reason"]
        : ["error"];
  return {
    system_template: [],
    instance_template: [],
    action_observation_template: ["output"],
    format_error_template: formatError,
    timeout_template: ["action", "output"],
  };
}

/** Throws a ConfigError naming each template variable the agent will not provide. */
export function checkTemplates(config: MiniConfig, extraVars: readonly string[] = []): void {
  const common = new Set([
    ...Object.keys(config.agent),
    ...Object.keys(config.environment),
    ...Object.keys(config.model),
    ...RUNTIME_VARS,
    ...extraVars,
  ]);
  const problems: string[] = [];
  for (const [key, specific] of Object.entries(specificVars(config))) {
    const source = (config.agent as Record<string, unknown>)[key];
    if (typeof source !== "string") continue;
    const path = templatePath(config, key);
    let required: Set<string>;
    try {
      required = templateVariables(source).required;
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      problems.push(`${path}: invalid template: ${error.message}`);
      continue;
    }
    const missing = [...required].filter((v) => !common.has(v) && !specific.includes(v));
    if (missing.length > 0) {
      const names = missing.map((v) => `{{${v}}}`).join(", ");
      const extra =
        specific.length > 0 ? ` (besides the config's keys it gets: ${specific.join(", ")})` : "";
      problems.push(`${path} uses ${names}, which the agent does not provide${extra}`);
    }
  }
  try {
    compileActionRegex(config.agent.action_regex);
  } catch (error) {
    problems.push(`action_regex: ${(error as Error).message}`);
  }
  if (problems.length > 0) throw new ConfigError(problems.join("; "));
}

/** Where the user wrote the template (v2 keeps the observation and format-error ones in model). */
function templatePath(config: MiniConfig, key: string): string {
  if (config.agent.dialect === "v2") {
    if (key === "action_observation_template") return "model.observation_template";
    if (key === "format_error_template") return "model.format_error_template";
  }
  return `agent.${key}`;
}
