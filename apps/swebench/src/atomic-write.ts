/**
 * Result files are written atomically: a temporary file in the same directory, fsync'd, then
 * renamed over the target, so a reader (or a run killed with SIGKILL) sees the old or the new
 * content, never a torn one.
 * @module
 */
import { randomUUID } from "node:crypto";
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

const TMP_MARK = ".tmp-";

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}${TMP_MARK}${process.pid}-${randomUUID().slice(0, 8)}`);
  const handle = await open(tmp, "w");
  try {
    await handle.writeFile(data, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Removes temporary files left by a killed run (`.<name>.tmp-*`) in `dir`. */
export async function removeStaleTemps(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const stale = names.filter((n) => n.startsWith(".") && n.includes(TMP_MARK));
  await Promise.all(stale.map((n) => rm(join(dir, n), { force: true })));
  return stale.length;
}
