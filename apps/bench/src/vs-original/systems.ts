/**
 * The three routers compared, and the schedule: round r runs them rotated by r (A B C, B C A,
 * C A B, …), so that no system always runs first on a machine that warms up, or last on one that
 * other work has started to load.
 * @module
 */
import { join, resolve } from "node:path";
import {
  buildPlan,
  type Plan,
  type PlanExtensions,
  type PlanFacts,
  type Options as ReproduceOptions,
} from "@thunderagent/reproduce";
import { expandTemplate } from "./template.js";

export type VsSystem = "python-original" | "ours-original-policy" | "ours-default";
export const VS_SYSTEMS: readonly VsSystem[] = [
  "python-original",
  "ours-original-policy",
  "ours-default",
];

export const SYSTEM_LABEL: Readonly<Record<VsSystem, string>> = {
  "python-original": "Python original",
  "ours-original-policy": "ours --policy original",
  "ours-default": "ours (defaults)",
};

/** The router process of the Python original is named so in logs, pids.json and errors. */
export const ORIGINAL_PROCESS = "original-router";

export interface ScheduledRun {
  /** 1-based. */
  readonly round: number;
  /** 1-based position inside the round. */
  readonly position: number;
  readonly system: VsSystem;
}

export function schedule(rounds: number): ScheduledRun[] {
  const out: ScheduledRun[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < VS_SYSTEMS.length; i++) {
      const system = VS_SYSTEMS[(r + i) % VS_SYSTEMS.length] as VsSystem;
      out.push({ round: r + 1, position: i + 1, system });
    }
  }
  return out;
}

/** How the router of one system is started: reproduce's plan with an extension or proxy flags. */
export function systemExtensions(
  system: VsSystem,
  originalCmd: string,
): { ext: PlanExtensions; proxyArgs: string[] } {
  if (system === "python-original") {
    return {
      ext: {
        routerCommand: (launch) => ({
          name: ORIGINAL_PROCESS,
          command: "/bin/sh",
          args: ["-c", expandTemplate(originalCmd, launch)],
        }),
      },
      proxyArgs: [],
    };
  }
  return {
    ext: {},
    proxyArgs: system === "ours-original-policy" ? ["--policy", "original"] : [],
  };
}

export function runDirName(run: ScheduledRun): string {
  return `r${run.round}-${run.system}`;
}

/**
 * reproduce's plan for one run: the simulated router run (no baseline), its logs, output and
 * profile under the session directory.
 */
export function planRun(
  run: ScheduledRun,
  o: ReproduceOptions,
  originalCmd: string,
  facts: Omit<PlanFacts, "runId">,
  sessionDir: string,
): Plan {
  const { ext, proxyArgs } = systemExtensions(run.system, originalCmd);
  const name = runDirName(run);
  const options: ReproduceOptions = {
    ...o,
    simulate: true,
    compare: false,
    baseline: false,
    proxyArgs: [...o.proxyArgs, ...proxyArgs],
    logsDir: sessionDir,
    profileDir: join(sessionDir, name, "profile"),
    output: resolve(facts.cwd, o.output ?? join(sessionDir, "output")),
    report: join(sessionDir, name, "report.json"),
  };
  return buildPlan(options, { ...facts, runId: name }, ext);
}
