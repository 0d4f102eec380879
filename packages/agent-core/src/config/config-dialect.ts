/**
 * The two config layouts the agent runs, each with its own semantics:
 *
 * - **v1** (ThunderAgent's fork, mini-swe-agent 1.x; the shipped `swebench.yaml`): templates under
 *   `agent` (`action_observation_template`, `format_error_template`, `timeout_template`), one
 *   ```` ```bash ```` block per reply, either submit marker on the output's first line.
 * - **v2** (mini-swe-agent 2.x): `model.observation_template`, `model.format_error_template` (with
 *   `{{error}}`) and, in text mode, `model.action_regex` (default ```` ```mswea_bash_command ````);
 *   tool calling (a `bash` tool, parallel calls run in order) unless the model class is a
 *   `*textbased` one or an `action_regex` is set; a timeout is an observation with
 *   `exception_info`; `COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT` submits only with exit code 0;
 *   three format errors in a row end the run (`RepeatedFormatError`).
 *
 * A config is v2 when its `model` section holds any of the v2 template keys. The result is one
 * normalized `agent` section (`dialect`, `action_mode`, the templates, `action_regex`) that the
 * loop reads; the v2 keys are moved there from `model`.
 * @module
 */
import { templateVariables } from "../template/template-variables.js";
import type { ConfigWarning } from "./config-keys.js";
import { isRecord, type RawConfig } from "./raw-config.js";

export const V1_ACTION_REGEX = "```bash\\s*\\n(.*?)\\n```";
export const V2_ACTION_REGEX = "```mswea_bash_command\\s*\\n(.*?)\\n```";

export const V2_OBSERVATION_TEMPLATE =
  "{% if output.exception_info %}<exception>{{output.exception_info}}</exception>\n{% endif %}" +
  "<returncode>{{output.returncode}}</returncode>\n<output>\n{{output.output}}</output>";
export const V2_TOOL_FORMAT_ERROR_TEMPLATE = "{{ error }}";
export const V2_TEXT_FORMAT_ERROR_TEMPLATE =
  "Please always provide EXACTLY ONE action in triple backticks, found {{actions|length}} actions.";

const V2_MODEL_KEYS = ["observation_template", "format_error_template", "action_regex"] as const;

export type Dialect = "v1" | "v2";
export type ActionMode = "text" | "tool_calls";

export function detectDialect(raw: RawConfig): Dialect {
  const model = isRecord(raw["model"]) ? raw["model"] : {};
  return V2_MODEL_KEYS.some((k) => model[k] !== undefined) ? "v2" : "v1";
}

/** Tool calling or text for a v2 model section (v1 is always text). */
export function v2ActionMode(model: RawConfig, warnings: ConfigWarning[]): ActionMode {
  const modelClass = typeof model["model_class"] === "string" ? model["model_class"] : "";
  if (/textbased$/.test(modelClass) || typeof model["action_regex"] === "string") return "text";
  const formatError = model["format_error_template"];
  if (typeof formatError === "string" && safeRequired(formatError).has("actions")) {
    warnings.push({
      path: "model.format_error_template",
      message:
        "reads {{actions}}, which only text mode provides: running in text mode " +
        "(set model.model_class: litellm_textbased to say so)",
    });
    return "text";
  }
  return "tool_calls";
}

function safeRequired(source: string): Set<string> {
  try {
    return templateVariables(source).required;
  } catch {
    return new Set(); // a syntax error is reported when the templates are checked
  }
}

/** Moves the layout's template keys into one normalized `agent` section. */
export function normalizeDialect(raw: RawConfig, warnings: ConfigWarning[]): RawConfig {
  const agent: RawConfig = isRecord(raw["agent"]) ? { ...raw["agent"] } : {};
  const model: RawConfig = isRecord(raw["model"]) ? { ...raw["model"] } : {};
  if (detectDialect(raw) === "v1") {
    // mini-swe-agent 1.x's later releases also read these two under `model`.
    for (const key of ["action_observation_template", "format_error_template"] as const) {
      if (agent[key] === undefined && typeof model[key] === "string") agent[key] = model[key];
      delete model[key];
    }
    Object.assign(agent, { dialect: "v1", action_mode: "text", action_regex: V1_ACTION_REGEX });
    return { ...raw, agent, model };
  }
  const mode = v2ActionMode(model, warnings);
  const defaultFormatError =
    mode === "text" ? V2_TEXT_FORMAT_ERROR_TEMPLATE : V2_TOOL_FORMAT_ERROR_TEMPLATE;
  for (const key of ["action_observation_template", "format_error_template", "timeout_template"]) {
    delete agent[key]; // v1 keys: reported as misplaced, not read in a v2 config
  }
  Object.assign(agent, {
    dialect: "v2",
    action_mode: mode,
    action_regex: model["action_regex"] ?? V2_ACTION_REGEX,
    action_observation_template: model["observation_template"] ?? V2_OBSERVATION_TEMPLATE,
    format_error_template: model["format_error_template"] ?? defaultFormatError,
    timeout_template: null,
    max_consecutive_format_errors: agent["max_consecutive_format_errors"] ?? 3,
  });
  for (const key of [...V2_MODEL_KEYS, "action_observation_template"]) delete model[key];
  return { ...raw, agent, model };
}
