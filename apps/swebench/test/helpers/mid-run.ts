/**
 * A runner caught mid-run, as the process and signal tests need it: the flags of a local run of
 * the sample instances against a scripted model server, and a wait that fails with the runner's
 * stderr when the runner ends (or never gets there) first.
 */
import type { ChildProcess } from "node:child_process";
import type { AgentServer } from "./agent-server.js";

/** What the waits need of a started runner (spawnRunner's, or runScript's pnpm). */
export interface StartedRunner {
  readonly child: ChildProcess;
  readonly stderr: () => string;
}

/**
 * `--subset sample [--split SPLIT] -w 2 -o OUT --environment-class local --base-url URL`: two
 * workers, the agents' commands in the local environment, the model at `baseUrl`.
 */
export function localSampleArgs(o: { out: string; baseUrl: string; split?: string }): string[] {
  return [
    "--subset",
    "sample",
    ...(o.split === undefined ? [] : ["--split", o.split]),
    "-w",
    "2",
    "-o",
    o.out,
    "--environment-class",
    "local",
    "--base-url",
    o.baseUrl,
  ];
}

/** Polls `cond` until it holds; throws naming `what` on timeout, or when `runner` ended first. */
export async function waitUntil(
  cond: () => boolean,
  o: { what: string; timeoutMs?: number; runner?: StartedRunner },
): Promise<void> {
  const end = Date.now() + (o.timeoutMs ?? 60_000);
  while (!cond()) {
    if (o.runner && o.runner.child.exitCode !== null) {
      throw new Error(`the runner ended before ${o.what}:\n${o.runner.stderr()}`);
    }
    if (Date.now() > end) {
      throw new Error(
        `timed out waiting for ${o.what}${o.runner ? `:\n${o.runner.stderr()}` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Running: both workers' agents have asked the model at least once. */
export function untilBothAgentsAsked(server: AgentServer, runner: StartedRunner): Promise<void> {
  return waitUntil(() => server.requests >= 2, { what: "both agents asked the model", runner });
}
