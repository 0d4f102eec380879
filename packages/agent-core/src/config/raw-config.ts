/**
 * The raw, not yet validated config tree (what YAML files and `key.path=value` overrides make).
 * @module
 */

export type RawConfig = Record<string, unknown>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
