/**
 * A `/testbed`-like git repository on the host for the `local` environment class: the instance's
 * `repo_files` (the sample dataset carries them) written into a fresh directory and committed
 * with a fixed author and date, so the base commit is reproducible. Instances without files get
 * an empty repository.
 * @module
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { AgentCoreError } from "../errors.js";

const execFileAsync = promisify(execFile);

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
    const git = (...args: string[]) =>
      execFileAsync("git", args, { cwd: dir, env: { ...process.env, ...GIT_ENV } });
    await git("init", "-q", "-b", "main");
    await git("add", "-A");
    await git("commit", "-q", "--allow-empty", "-m", "base");
    const head = await git("rev-parse", "HEAD");
    return { dir, baseCommit: String(head.stdout).trim(), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
