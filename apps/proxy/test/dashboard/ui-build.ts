/**
 * The dashboard's page must be built for the tests that load it: `pnpm build` does it (CI builds
 * before testing); when dist/ui is missing or older than the page's sources, it is built here once
 * (Vite, into a temporary directory moved into place, so parallel test files do not collide).
 */
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { UI_DIR } from "../../src/dashboard/assets.js";

const DASHBOARD = fileURLToPath(new URL("../../dashboard/", import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function fresh(): boolean {
  const index = join(UI_DIR, "index.html");
  return existsSync(index) && statSync(index).mtimeMs >= newestMtime(DASHBOARD);
}

let once: Promise<void> | null = null;

export function buildUiOnce(): Promise<void> {
  return (once ??= (async () => {
    if (fresh()) return;
    const parent = join(UI_DIR, "..");
    const tmp = mkdtempSync(join(parent, ".ui-"));
    try {
      await build({
        configFile: join(DASHBOARD, "vite.config.ts"),
        logLevel: "silent",
        build: { outDir: tmp, emptyOutDir: true },
      });
      if (fresh()) return; // another test file built it meanwhile
      rmSync(UI_DIR, { recursive: true, force: true });
      try {
        renameSync(tmp, UI_DIR);
      } catch (err) {
        if (!fresh()) throw err;
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  })());
}
