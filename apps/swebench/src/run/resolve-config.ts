/**
 * `-c/--config` specs to one validated config: YAML files and `key.path=value` pairs, merged in
 * order. As upstream, giving `-c` at all drops the default config (the seed's swebench.yaml):
 * `-c swebench.yaml -c agent.step_limit=10` keeps it, `-c agent.step_limit=10` alone does not
 * (a warning says so). Shipped names when no such file exists here: `swebench.yaml`/`default`
 * (v1), `swebench-v2.yaml` (v2, tool calling), `swebench-v2-backticks.yaml` (v2, text mode).
 * `-m`, `--base-url`, `--environment-class`, `--docker-host` and `--docker-ping-*` are applied last. Unknown or misplaced keys are
 * warnings (errors with `strict`).
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import {
  type ConfigWarning,
  DEFAULT_CONFIG_PATH,
  SHIPPED_CONFIGS,
  type EnvironmentClassName,
  type MiniConfig,
  type RawConfig,
  isOverrideSpec,
  mergeConfigs,
  overrideToConfig,
  parseConfigYaml,
  parseMiniConfig,
} from "@thunderagent/agent-core";
import { SwebenchError } from "../errors.js";

export interface ConfigOverrides {
  model?: string | undefined;
  baseUrl?: string | undefined;
  environmentClass?: EnvironmentClassName | undefined;
  /** `--docker-host`s: replace `environment.docker_hosts` when given. */
  dockerHosts?: readonly string[] | undefined;
  /** `--docker-ping-*`: over `environment.docker_health`'s keys. */
  dockerHealth?:
    | {
        interval_s?: number | undefined;
        fail_after?: number | undefined;
        recover_after?: number | undefined;
      }
    | undefined;
  /** Unknown or misplaced keys are an error. */
  strict?: boolean | undefined;
  onWarning?: ((warning: ConfigWarning) => void) | undefined;
}

function readLayer(spec: string): RawConfig {
  const shipped = spec === "default" ? DEFAULT_CONFIG_PATH : SHIPPED_CONFIGS[spec];
  const path = shipped !== undefined && !existsSync(spec) ? shipped : spec;
  if (!existsSync(path))
    throw new SwebenchError("config_not_found", `config file not found: ${spec}`);
  return parseConfigYaml(readFileSync(path, "utf8"), path);
}

export function resolveConfig(
  specs: readonly string[],
  overrides: ConfigOverrides = {},
): MiniConfig {
  const layers: RawConfig[] = [];
  const hasFile = specs.some((s) => !isOverrideSpec(s) || existsSync(s));
  if (specs.length === 0) layers.push(readLayer("default"));
  else if (!hasFile) {
    overrides.onWarning?.({
      path: "-c",
      message:
        "only key=value overrides given: -c drops the default swebench.yaml, so the agent's " +
        "bare defaults apply (add -c swebench.yaml to keep it)",
    });
  }
  for (const spec of specs) {
    layers.push(
      isOverrideSpec(spec) && !existsSync(spec) ? overrideToConfig(spec) : readLayer(spec),
    );
  }
  const cli: RawConfig = {};
  const model: Record<string, unknown> = {};
  if (overrides.model) model["model_name"] = overrides.model;
  if (overrides.baseUrl) model["base_url"] = overrides.baseUrl;
  if (Object.keys(model).length > 0) cli["model"] = model;
  const environment: Record<string, unknown> = {};
  if (overrides.environmentClass) environment["environment_class"] = overrides.environmentClass;
  if (overrides.dockerHosts?.length) environment["docker_hosts"] = [...overrides.dockerHosts];
  const health = Object.fromEntries(
    Object.entries(overrides.dockerHealth ?? {}).filter(([, v]) => v !== undefined),
  );
  if (Object.keys(health).length > 0) environment["docker_health"] = health;
  if (Object.keys(environment).length > 0) cli["environment"] = environment;
  const merged = mergeConfigs(...layers, cli);
  // --base-url wins over litellm-style model_kwargs.api_base/base_url from the files.
  if (overrides.baseUrl) {
    const kwargs = (merged["model"] as { model_kwargs?: Record<string, unknown> }).model_kwargs;
    if (kwargs) {
      delete kwargs["api_base"];
      delete kwargs["base_url"];
    }
  }
  return parseMiniConfig(merged, {
    ...(overrides.strict ? { strict: true } : {}),
    ...(overrides.onWarning ? { onWarning: overrides.onWarning } : {}),
  });
}
