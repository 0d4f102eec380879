#!/usr/bin/env node
// Scaffolds a workspace package with the shared layout: package.json (exports map with the
// "@thunderagent/source" condition), tsconfig.json (typecheck, src + test), tsconfig.build.json
// (emit to dist), vitest.config.ts, README.md, src/index.ts, and the root's LICENSE (Apache-2.0).
// The package is publishable like the others (license, the root's engines, dist + src in the
// tarball); add "private": true if it must never be published, and then no published package may
// depend on it (scripts/consumer-test.mjs checks). Usage:
//   node scripts/new-package.mjs packages/<dir> @thunderagent/<name> "<one-line purpose>"
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const engines = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines;

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
      description: purpose,
      license: "Apache-2.0",
      type: "module",
      engines,
      exports: {
        ".": {
          "@thunderagent/source": "./src/index.ts",
          types: "./dist/index.d.ts",
          import: "./dist/index.js",
        },
      },
      files: ["dist", "src", "!src/**/*.test.ts"],
      scripts: {
        build: `node ${up}scripts/clean-dist.mjs && tsc -p tsconfig.build.json`,
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
write(
  "README.md",
  `# ${name}\n\n${purpose}\n\n## Install and use\n\n\`\`\`bash\nnpm install ${name}\n\`\`\`\n`,
);
write("src/index.ts", "export {};\n");
if (!existsSync(join(dir, "LICENSE"))) copyFileSync(join(root, "LICENSE"), join(dir, "LICENSE"));
console.log(`scaffolded ${name} in ${dir}`);
