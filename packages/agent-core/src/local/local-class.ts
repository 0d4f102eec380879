/**
 * The `local` environment class: commands run on the host, in a fresh testbed repository made
 * from the instance's `repo_files` (local-testbed.ts) and deleted when the environment closes.
 * No image; nothing outlives a run but testbeds, which the runner keeps under its output.
 * @module
 */
import type { EnvironmentClass } from "../environment/environment-class.js";
import { LocalEnvironment } from "./local-environment.js";
import { createTestbed } from "./local-testbed.js";

export const localClass: EnvironmentClass = {
  name: "local",
  summary: "commands on the host, in a git testbed built from the instance's repo_files",
  imageFor: () => null,
  async create({ config, instance, workspaceDir, onStatus }) {
    onStatus?.("creating testbed");
    const testbed = await createTestbed(instance, workspaceDir);
    return new LocalEnvironment({ config, cwd: testbed.dir, onClose: testbed.remove });
  },
  sweepLeftovers: async () => 0,
};
