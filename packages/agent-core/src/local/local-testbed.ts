/**
 * A `/testbed`-like git repository on the host for the `local` environment class: the instance's
 * `repo_files` (the sample dataset carries them) written into a fresh directory and committed
 * with a fixed author and date, so the base commit is reproducible. Instances without files get
 * an empty repository. Its `git` commands go through the command spawner (spawner.ts).
 * @module
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { AgentCoreError } from "../errors.js";
import { sharedSpawner } from "./spawner.js";

const GIT_ENV = {
  GIT_AUTHOR_NAME: "ThunderAgent",
  GIT_AUTHOR_EMAIL: "testbed@thunderagent.invalid",
  GIT_COMMITTER_NAME: "ThunderAgent",
  GIT_COMMITTER_EMAIL: "testbed@thunderagent.invalid",
  GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z",
  GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

export interface Testbed {
  dir: string;
  baseCommit: string;
  remove(): Promise<void>;
}

export function repoFilesOf(instance: Record<string, unknown>): Record<string, string> {
  const files = instance["repo_files"];
  if (typeof files !== "object" || files === null) return {};
  const out: Record<string, string> = {};
  for (const [path, content] of Object.entries(files)) {
    if (typeof content === "string") out[path] = content;
  }
  return out;
}

export async function createTestbed(
  instance: Record<string, unknown>,
  parentDir: string = tmpdir(),
): Promise<Testbed> {
  await mkdir(parentDir, { recursive: true });
  const dir = await mkdtemp(join(parentDir, "thunderagent-testbed-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    for (const [path, content] of Object.entries(repoFilesOf(instance))) {
      const target = resolve(dir, path);
      if (!target.startsWith(dir + sep)) {
        throw new AgentCoreError("testbed_failed", `repo file escapes the testbed: ${path}`);
      }
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    const head = await git(dir, "init", "-q", "-b", "main")
      .then(() => git(dir, "add", "-A"))
      .then(() => git(dir, "commit", "-q", "--allow-empty", "-m", "base"))
      .then(() => git(dir, "rev-parse", "HEAD"));
    return { dir, baseCommit: head.trim(), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/**
 * `git args` in `dir`, forked by this process's command spawner (like the environment's
 * commands, so the process running the agents does not fork); its output, or an error with it.
 */
async function git(dir: string, ...args: string[]): Promise<string> {
  const env = Object.fromEntries(
    Object.entries({ ...process.env, ...GIT_ENV }).filter(
      (e): e is [string, string] => e[1] !== undefined,
    ),
  );
  const r = await sharedSpawner().run({
    file: "git",
    args,
    cwd: dir,
    env,
    backstopMs: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.code !== 0) {
    const why = `git ${args[0]} failed (${r.code ?? r.signal}): ${r.output.trim()}`;
    throw new AgentCoreError("testbed_failed", why);
  }
  return r.output;
}
