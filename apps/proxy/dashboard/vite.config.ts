// The dashboard's page: Preact + uPlot, built by `pnpm build` (apps/proxy) into dist/ui/, which
// the proxy serves at /dashboard (src/dashboard/assets.ts). Relative asset URLs: the page may be
// served under a plugin's prefix (the HTML gets a <base>).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "./",
  logLevel: "warn",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: here("../dist/ui"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 200,
  },
});
