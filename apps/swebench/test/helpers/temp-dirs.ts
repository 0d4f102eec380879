/**
 * The temporary directories a test file makes, removed together by its afterEach/afterAll:
 * `const tmp = tempDirs("ta-x-")`, then `tmp.make()` in a test and `tmp.removeAll()` after.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TempDirs {
  /** A new directory under the OS temp dir, named with the prefix. */
  make(): string;
  /** Removes every directory made so far (and forgets them). */
  removeAll(): void;
}

export function tempDirs(prefix: string): TempDirs {
  const dirs: string[] = [];
  return {
    make() {
      const d = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
    removeAll() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}
