/**
 * The entry points of the programs a plan starts (engine-sim, the proxy, the runner) and how they
 * are started. Inside the monorepo: their TypeScript sources, run through tsx (as scripts/run.mjs
 * runs apps). Installed from a registry or a tarball: the `bin` of each installed package
 * (`@thunderagent/engine-sim`, `@thunderagent/proxy`, `@thunderagent/swebench`, found the way
 * Node resolves them from here), run by plain node.
 *
 * Each entry is a path relative to REPO_ROOT (facts.ts), so that tests can lay stand-ins out like
 * the monorepo under another root (`PlanFacts.entryRoot`).
 * @module
 */
import { join, relative } from "node:path";
import { IN_MONOREPO, REPO_ROOT, installedBin } from "./facts.js";
import type { PlanFacts } from "./plan-types.js";

/** The monorepo source of an entry, or the installed package's bin outside the monorepo. */
function entry(source: string, pkg: string, bin: string): string {
  if (IN_MONOREPO) return source;
  const path = installedBin(pkg, bin);
  // Not installed: a path that does not exist, naming what is missing (main.ts reports it).
  return relative(REPO_ROOT, path ?? join(REPO_ROOT, "node_modules", pkg, `(bin ${bin})`));
}

export const ENGINE_SIM_ENTRY = entry(
  "packages/engine-sim/src/main.ts",
  "@thunderagent/engine-sim",
  "engine-sim",
);
export const PROXY_ENTRY = entry("apps/proxy/src/main.ts", "@thunderagent/proxy", "thunderagent");
export const RUNNER_ENTRY = entry(
  "apps/swebench/src/main.ts",
  "@thunderagent/swebench",
  "thunderagent-swebench",
);

/**
 * How to start an entry: a TypeScript source as
 * `node --conditions=@thunderagent/source --import tsx <entry.ts>` (tsx from the monorepo's
 * node_modules), a built bin as `node <bin.js>`.
 */
export function tsEntry(facts: PlanFacts, entry: string): { command: string; args: string[] } {
  const path = join(facts.entryRoot ?? facts.root, entry);
  if (!entry.endsWith(".ts")) return { command: facts.execPath, args: [path] };
  const tsx = join(facts.root, "node_modules", "tsx", "dist", "esm", "index.mjs");
  return {
    command: facts.execPath,
    args: ["--conditions=@thunderagent/source", "--import", `file://${tsx}`, path],
  };
}

/** A number as a flag value: six significant digits, no trailing zeros. */
export function fmtNum(n: number): string {
  return String(Number(n.toPrecision(6)));
}
