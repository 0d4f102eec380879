/**
 * The config as it is written to trajectories and the log: the model's API key replaced (a real
 * key must not end up in result files that get shared).
 * @module
 */
import type { MiniConfig } from "@thunderagent/agent-core";

const PLACEHOLDER_KEYS = new Set(["", "EMPTY", "DUMMY"]);

export function redactConfig(config: MiniConfig): MiniConfig {
  const key = config.model.api_key;
  if (PLACEHOLDER_KEYS.has(key)) return config;
  return { ...config, model: { ...config.model, api_key: "<redacted>" } };
}
