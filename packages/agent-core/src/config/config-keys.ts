/**
 * Unknown and misplaced config keys. mini-swe-agent's pydantic configs drop keys they do not know
 * without a word, so a v1 template in a v2 config (or a typo) silently does nothing; here each
 * such key is named in a warning (an error with `--strict`).
 * @module
 */
import { detectDialect } from "./config-dialect.js";
import { isRecord, type RawConfig } from "./raw-config.js";

export interface ConfigWarning {
  /** The key's dotted path (`agent.action_observation_template`). */
  path: string;
  message: string;
}

const AGENT_COMMON = [
  "system_template",
  "instance_template",
  "step_limit",
  "cost_limit",
  "output_path",
  "wall_time_limit_seconds",
  "max_consecutive_format_errors",
];
const AGENT_V1 = ["action_observation_template", "format_error_template", "timeout_template"];
const MODEL_COMMON = [
  "model_class",
  "model_name",
  "base_url",
  "api_key",
  "model_kwargs",
  "stream",
  "max_completion_tokens",
  "timeout",
  "retry",
  "cost_tracking",
  "litellm_model_registry",
  "set_cache_control",
  "multimodal_regex",
];
const MODEL_V2 = ["observation_template", "format_error_template", "action_regex"];
const ENVIRONMENT = [
  "environment_class",
  "cwd",
  "timeout",
  "env",
  "image",
  "pull_timeout",
  "container_timeout",
  "nice",
  "docker_hosts",
  "docker_health",
  "hosts",
];
/** Upstream keys this runner accepts and does not use. */
const IGNORED: Record<string, string> = {
  "environment.interpreter": "not used here: commands run with `bash -c`",
  "environment.forward_env": "not used here: set variables with environment.env",
  "environment.executable": "not used here: containers are driven through the Docker API",
  "environment.run_args": "not used here: containers are driven through the Docker API",
  run: "not used here (the runner has its own command line)",
};

/** Every key of a merged raw config that is unknown, misplaced for its layout, or ignored. */
export function configWarnings(raw: RawConfig): ConfigWarning[] {
  const v2 = detectDialect(raw) === "v2";
  const out: ConfigWarning[] = [];
  for (const key of Object.keys(raw)) {
    if (IGNORED[key]) out.push({ path: key, message: IGNORED[key] });
    else if (!["agent", "environment", "model"].includes(key)) out.push(unknown(key));
  }
  const section = (name: string): RawConfig => (isRecord(raw[name]) ? raw[name] : {});
  for (const key of Object.keys(section("agent"))) {
    const path = `agent.${key}`;
    if (AGENT_COMMON.includes(key)) continue;
    if (AGENT_V1.includes(key)) {
      if (v2) out.push({ path, message: misplacedV1(key) });
    } else if (MODEL_V2.includes(key)) {
      out.push({ path, message: `belongs under model (model.${key}); ignored here` });
    } else out.push(unknown(path));
  }
  for (const key of Object.keys(section("model"))) {
    const path = `model.${key}`;
    if (MODEL_COMMON.includes(key) || MODEL_V2.includes(key)) continue;
    if (key === "action_observation_template" && v2) {
      out.push({ path, message: "v2 calls it model.observation_template; ignored" });
    } else if (key !== "action_observation_template") out.push(unknown(path));
  }
  for (const key of Object.keys(section("environment"))) {
    const path = `environment.${key}`;
    if (IGNORED[path]) out.push({ path, message: IGNORED[path] });
    else if (!ENVIRONMENT.includes(key)) out.push(unknown(path));
  }
  return out;
}

function unknown(path: string): ConfigWarning {
  return { path, message: "unknown key, ignored" };
}

function misplacedV1(key: string): string {
  if (key === "timeout_template") {
    return "a v1 key: in a v2 config a timeout is an observation (output.exception_info); ignored";
  }
  const v2Name = key === "action_observation_template" ? "observation_template" : key;
  return `a v1 key: this config is v2 (templates under model), so it reads model.${v2Name}; ignored`;
}

export function formatWarnings(warnings: readonly ConfigWarning[]): string {
  return warnings.map((w) => `${w.path}: ${w.message}`).join("; ");
}
