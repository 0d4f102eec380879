/**
 * Where relative paths on a command line point: the directory the user ran the command in. The
 * root scripts run every app through pnpm (`scripts/run.mjs`, cwd = the repository root); pnpm and
 * npm put the user's directory in `INIT_CWD`, so that wins over `process.cwd()` when it is set.
 * Child processes inherit `INIT_CWD`, so a path handed on unchanged still means the same file.
 * @module
 */
import { isAbsolute, resolve } from "node:path";

export type Env = Readonly<Record<string, string | undefined>>;

/** The caller's directory: `INIT_CWD` when set (pnpm/npm scripts), else the process's cwd. */
export function callerCwd(env: Env = process.env, cwd: string = process.cwd()): string {
  const init = env["INIT_CWD"];
  return init !== undefined && init !== "" ? resolve(cwd, init) : cwd;
}

/** `path` resolved against {@link callerCwd} (absolute paths are returned as they are). */
export function resolveFromCaller(path: string, env: Env = process.env, cwd?: string): string {
  return isAbsolute(path) ? path : resolve(callerCwd(env, cwd), path);
}
