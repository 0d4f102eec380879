/**
 * `-c/--config` specs to one validated config: YAML files and `key.path=value` pairs, merged in
 * order. When only overrides are given, they apply on top of the default config (the seed's
 * swebench.yaml); `swebench.yaml`/`default` name the shipped file. `-m`, `--base-url` and
 * `--environment-class` are applied last.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import {
  DEFAULT_CONFIG_PATH,
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
}

function readLayer(spec: string): RawConfig {
  const path =
    spec === "default" || (spec === "swebench.yaml" && !existsSync(spec))
      ? DEFAULT_CONFIG_PATH
      : spec;
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
  if (!hasFile) layers.push(readLayer("default"));
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
  if (overrides.environmentClass)
    cli["environment"] = { environment_class: overrides.environmentClass };
  const merged = mergeConfigs(...layers, cli);
  // --base-url wins over litellm-style model_kwargs.api_base/base_url from the files.
  if (overrides.baseUrl) {
    const kwargs = (merged["model"] as { model_kwargs?: Record<string, unknown> }).model_kwargs;
    if (kwargs) {
      delete kwargs["api_base"];
      delete kwargs["base_url"];
    }
  }
  return parseMiniConfig(merged);
}
