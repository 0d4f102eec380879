/**
 * The TypeScript entry points of the programs a plan starts, and how they are started (as
 * scripts/run.mjs runs apps: from source through tsx).
 * @module
 */
import { join } from "node:path";
import type { PlanFacts } from "./plan-types.js";

export const ENGINE_SIM_ENTRY = "packages/engine-sim/src/main.ts";
export const PROXY_ENTRY = "apps/proxy/src/main.ts";
export const RUNNER_ENTRY = "apps/swebench/src/main.ts";

/** `node --conditions=@thunderagent/source --import tsx <entry.ts>`. */
export function tsEntry(facts: PlanFacts, entry: string): { command: string; args: string[] } {
  const tsx = join(facts.root, "node_modules", "tsx", "dist", "esm", "index.mjs");
  return {
    command: facts.execPath,
    args: [
      "--conditions=@thunderagent/source",
      "--import",
      `file://${tsx}`,
      join(facts.entryRoot ?? facts.root, entry),
    ],
  };
}

/** A number as a flag value: six significant digits, no trailing zeros. */
export function fmtNum(n: number): string {
  return String(Number(n.toPrecision(6)));
}
