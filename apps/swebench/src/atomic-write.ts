/**
 * Result files are written atomically, by `write-file-atomic` (npm's: a temporary file beside the
 * target, fsync'd, renamed over it; the temporary file removed on failure and on exit), so a
 * reader, or a run killed with SIGKILL, sees the old or the new content, never a torn one.
 * Concurrent calls for one file are not ordered (the parent directory is created first): writers
 * that need the last call to win chain their writes, as the predictions and exit-status stores do. This module adds the parent directory and the clean-up of
 * temporary files a SIGKILL left behind. The one atomic writer of the workspace: reproduce and
 * bench import it from here.
 * @module
 */
import { mkdir, readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import writeFileAtomicLib from "write-file-atomic";

export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomicLib(path, data);
}

/**
 * write-file-atomic's temporary files are `<target>.<decimal number>`; the result files written
 * here are JSON or YAML. `.<name>.tmp-*` is the name this module used before.
 */
const STALE_TEMP = /(\.(json|ya?ml)\.\d{1,10}$)|(^\..+\.tmp-)/;

/** Removes temporary files left by a killed run in `dir`. */
export async function removeStaleTemps(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const stale = names.filter((n) => STALE_TEMP.test(n));
  await Promise.all(stale.map((n) => rm(join(dir, n), { force: true })));
  return stale.length;
}
