#!/usr/bin/env node
// Scaffolds a workspace package with the shared layout: package.json (exports map with the
// "@thunderagent/source" condition), tsconfig.json (typecheck, src + test), tsconfig.build.json
// (emit to dist), vitest.config.ts, README.md and src/index.ts. Usage:
//   node scripts/new-package.mjs packages/<dir> @thunderagent/<name> "<one-line purpose>"
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [dir, name, purpose = ""] = process.argv.slice(2);
if (!dir || !name) {
  console.error('usage: new-package.mjs <dir> <@thunderagent/name> "<purpose>"');
  process.exit(2);
}
const depth = dir.split("/").length;
const up = "../".repeat(depth);
mkdirSync(join(dir, "src"), { recursive: true });
mkdirSync(join(dir, "test"), { recursive: true });
const write = (file, text) => {
  if (!existsSync(join(dir, file))) writeFileSync(join(dir, file), text);
};
write(
  "package.json",
  JSON.stringify(
    {
      name,
      version: "0.1.0",
      private: true,
      description: purpose,
      type: "module",
      exports: {
        ".": {
          "@thunderagent/source": "./src/index.ts",
          types: "./dist/index.d.ts",
          import: "./dist/index.js",
        },
      },
      files: ["dist"],
      scripts: {
        build: "tsc -p tsconfig.build.json",
        typecheck: "tsc -p tsconfig.json --noEmit",
        lint: "eslint .",
        test: "vitest run",
      },
    },
    null,
    2,
  ) + "\n",
);
write(
  "tsconfig.json",
  JSON.stringify(
    {
      extends: `${up}tsconfig.base.json`,
      compilerOptions: { noEmit: true },
      include: ["src", "test", "*.ts"],
    },
    null,
    2,
  ) + "\n",
);
write(
  "tsconfig.build.json",
  JSON.stringify(
    {
      extends: `${up}tsconfig.base.json`,
      compilerOptions: { outDir: "dist", rootDir: "src", customConditions: [] },
      include: ["src"],
      exclude: ["src/**/*.test.ts"],
    },
    null,
    2,
  ) + "\n",
);
write(
  "vitest.config.ts",
  `import { defineProject } from "vitest/config";\nimport { sharedProject } from "${up}vitest.shared.js";\n\nexport default defineProject(sharedProject("${name.split("/")[1]}"));\n`,
);
write("README.md", `# ${name}\n\n${purpose}\n`);
write("src/index.ts", "export {};\n");
console.log(`scaffolded ${name} in ${dir}`);
