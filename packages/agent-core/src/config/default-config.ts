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

export function readDefaultConfigText(): string {
  return readFileSync(DEFAULT_CONFIG_PATH, "utf8");
}
