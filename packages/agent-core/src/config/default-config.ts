/**
 * The default config: the seed's `swebench.yaml` (ThunderAgent's mini-swe-agent fork,
 * `src/minisweagent/config/extra/swebench.yaml`), shipped unchanged in `config/swebench.yaml`.
 * @module
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Absolute path of the shipped `swebench.yaml` (works from `src/` and from `dist/`). */
export const DEFAULT_CONFIG_PATH = fileURLToPath(
  new URL("../../config/swebench.yaml", import.meta.url),
);

/**
 * The configs shipped in `config/`, by the names `-c` accepts: the seed's v1 file and our own
 * v2-layout examples (tool calling; text mode with ```mswea_bash_command blocks).
 */
export const SHIPPED_CONFIGS: Readonly<Record<string, string>> = {
  "swebench.yaml": DEFAULT_CONFIG_PATH,
  "swebench-v2.yaml": fileURLToPath(new URL("../../config/swebench-v2.yaml", import.meta.url)),
  "swebench-v2-backticks.yaml": fileURLToPath(
    new URL("../../config/swebench-v2-backticks.yaml", import.meta.url),
  ),
};

export function readDefaultConfigText(): string {
  return readFileSync(DEFAULT_CONFIG_PATH, "utf8");
}
