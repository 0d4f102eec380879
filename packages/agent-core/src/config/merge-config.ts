/**
 * Merging config layers in order, as `-c a.yaml -c b.yaml -c model.model_name=x` does: mappings
 * merge recursively, everything else (scalars, lists) is replaced by the later layer.
 * @module
 */
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../errors.js";
import { type RawConfig, isRecord } from "./raw-config.js";

/** Parses one YAML config document (an empty document is `{}`). */
export function parseConfigYaml(text: string, origin = "config"): RawConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${origin}: ${(error as Error).message}`, { cause: error });
  }
  if (doc === null || doc === undefined) return {};
  if (!isRecord(doc)) throw new ConfigError(`${origin}: the top level must be a mapping`);
  return doc;
}

export function mergeConfigs(...layers: readonly RawConfig[]): RawConfig {
  let out: RawConfig = {};
  for (const layer of layers) out = mergeTwo(out, layer);
  return out;
}

function mergeTwo(base: RawConfig, over: RawConfig): RawConfig {
  const out: RawConfig = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isRecord(prev) && isRecord(value) ? mergeTwo(prev, value) : value;
  }
  return out;
}

/** `key.path=value` (the value is read as a YAML scalar: `3` is a number, `true` a boolean). */
export function isOverrideSpec(spec: string): boolean {
  return /^[A-Za-z_][\w-]*(\.[\w-]+)*=/.test(spec);
}

export function overrideToConfig(spec: string): RawConfig {
  const eq = spec.indexOf("=");
  if (eq <= 0 || !isOverrideSpec(spec))
    throw new ConfigError(`not a key.path=value override: ${spec}`);
  const path = spec.slice(0, eq).split(".");
  const text = spec.slice(eq + 1);
  let value: unknown;
  try {
    value = text === "" ? "" : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${spec}: ${(error as Error).message}`, { cause: error });
  }
  for (const key of path.reverse()) value = { [key]: value };
  return value as RawConfig;
}
