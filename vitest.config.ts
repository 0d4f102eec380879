// Root config: two vitest projects per workspace package, `<pkg>:unit` and `<pkg>:integration`,
// each from the package's own vitest.config.ts (vitest.shared.ts, splitProjects). `pnpm test:unit`
// runs `--project '*:unit'`; `npm test` runs both.
import { existsSync, readdirSync } from "node:fs";
import { defineConfig } from "vitest/config";
import { splitProjects } from "./vitest.shared.js";

const packageDirs = ["packages", "apps"].flatMap((top) =>
  readdirSync(top)
    .map((dir) => `${top}/${dir}`)
    .filter((dir) => existsSync(`${dir}/vitest.config.ts`))
    .sort(),
);

export default defineConfig({
  test: {
    projects: packageDirs.flatMap(splitProjects),
  },
});
