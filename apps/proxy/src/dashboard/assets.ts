/**
 * Where the built page lives: `dist/ui/` of this package (Vite's output, `pnpm build`; shipped in
 * the published package), found from this module whether it runs from `src/` or `dist/`.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The package's `dist/ui` directory (src/dashboard/ and dist/dashboard/ are both two deep). */
export const UI_DIR = fileURLToPath(new URL("../../dist/ui/", import.meta.url));

export interface UiAssets {
  dir: string;
  /** index.html with a `<base>` so relative URLs resolve under `<prefix>/dashboard/`. */
  html: string;
}

/** The built page, or null when it was not built (`pnpm build` in apps/proxy). */
export function loadUi(prefix: string, dir = UI_DIR): UiAssets | null {
  const index = `${dir}index.html`;
  if (!existsSync(index)) return null;
  const base = `<base href="${escapeAttr(prefix)}/dashboard/">`;
  const html = readFileSync(index, "utf8").replace(/<head>/i, (m) => `${m}\n    ${base}`);
  return { dir, html };
}

function escapeAttr(s: string): string {
  return s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}
