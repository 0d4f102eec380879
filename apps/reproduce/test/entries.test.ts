/**
 * Where the programs a plan starts come from: inside the monorepo their TypeScript sources (via
 * tsx), installed the bins of the installed packages (plain node). The installed layout itself is
 * exercised end to end by scripts/consumer-test.mjs (pack, npm install, `--dry-run`).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENGINE_SIM_ENTRY, PROXY_ENTRY, RUNNER_ENTRY, tsEntry } from "../src/entries.js";
import { IN_MONOREPO, REPO_ROOT, installedBin, installedPackageDir } from "../src/facts.js";
import type { PlanFacts } from "../src/plan-types.js";

const facts: PlanFacts = {
  root: "/repo",
  cwd: "/work",
  execPath: "/usr/bin/node",
  hfCli: null,
  hfHome: undefined,
  gpuSets: null,
  runId: "glm4.6-sim-20260101-120000",
};

describe("entries", () => {
  it("inside the monorepo: the sources of engine-sim, the proxy and the runner", () => {
    expect(IN_MONOREPO).toBe(true);
    expect([ENGINE_SIM_ENTRY, PROXY_ENTRY, RUNNER_ENTRY]).toEqual([
      "packages/engine-sim/src/main.ts",
      "apps/proxy/src/main.ts",
      "apps/swebench/src/main.ts",
    ]);
  });

  it("a TypeScript entry runs through tsx from the root's node_modules", () => {
    expect(tsEntry(facts, "apps/proxy/src/main.ts")).toEqual({
      command: "/usr/bin/node",
      args: [
        "--conditions=@thunderagent/source",
        "--import",
        "file:///repo/node_modules/tsx/dist/esm/index.mjs",
        "/repo/apps/proxy/src/main.ts",
      ],
    });
  });

  it("a built bin (the installed layout) runs under plain node, under entryRoot when given", () => {
    const bin = "@thunderagent/proxy/dist/main.js";
    expect(tsEntry(facts, bin)).toEqual({
      command: "/usr/bin/node",
      args: ["/repo/@thunderagent/proxy/dist/main.js"],
    });
    expect(tsEntry({ ...facts, entryRoot: "/elsewhere" }, bin).args).toEqual([
      "/elsewhere/@thunderagent/proxy/dist/main.js",
    ]);
  });

  it("finds an installed package and its bin the way Node resolves them", () => {
    expect(installedPackageDir("@thunderagent/swebench")).toBe(join(REPO_ROOT, "apps", "swebench"));
    expect(installedBin("@thunderagent/swebench", "thunderagent-swebench")).toBe(
      join(REPO_ROOT, "apps", "swebench", "bin", "thunderagent-swebench.js"),
    );
    expect(installedBin("@thunderagent/swebench", "no-such-bin")).toBeNull();
    expect(installedPackageDir("@thunderagent/no-such-package")).toBeNull();
  });
});
