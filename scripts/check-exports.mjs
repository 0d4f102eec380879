#!/usr/bin/env node
// Checks every workspace package's public surface as an outside consumer sees it, after
// `pnpm build`: a scratch package that depends on all of them is type-checked against the emitted
// `.d.ts` (no source condition) and its JavaScript is imported by plain Node from `dist/`.
import { spawnSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const packages = ["packages", "apps"].flatMap((group) =>
  readdirSync(join(root, group)).map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, group, dir, "package.json"), "utf8"));
    return { dir: join(root, group, dir), name: pkg.name, exports: pkg.exports ?? {} };
  }),
);

const scratch = mkdtempSync(join(tmpdir(), "ta-exports-"));
let failed = false;
try {
  mkdirSync(join(scratch, "node_modules", "@thunderagent"), { recursive: true });
  const lines = [];
  packages.forEach((p, i) => {
    symlinkSync(p.dir, join(scratch, "node_modules", p.name));
    for (const sub of Object.keys(p.exports)) {
      const spec = sub === "." ? p.name : `${p.name}/${sub.slice(2)}`;
      lines.push(`import * as m${i}_${lines.length} from "${spec}";`);
      lines.push(
        `export const k${i}_${lines.length}: string[] = Object.keys(m${i}_${lines.length - 1});`,
      );
    }
  });
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", type: "module" }));
  writeFileSync(join(scratch, "consumer.ts"), lines.join("\n") + "\n");
  writeFileSync(
    join(scratch, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        strict: true,
        noEmit: false,
        outDir: "out",
        skipLibCheck: true,
        types: [],
        typeRoots: [join(root, "node_modules", "@types")],
      },
      files: ["consumer.ts"],
    }),
  );
  const tsc = spawnSync(
    process.execPath,
    [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(scratch, "tsconfig.json")],
    { encoding: "utf8" },
  );
  if (tsc.status !== 0) {
    failed = true;
    console.error(`type-check of the public surface failed:\n${tsc.stdout}${tsc.stderr}`);
  }
  const run = spawnSync(process.execPath, [join(scratch, "out", "consumer.js")], {
    encoding: "utf8",
    cwd: scratch,
  });
  if (run.status !== 0) {
    failed = true;
    console.error(`importing the built packages failed:\n${run.stderr}`);
  }
  if (!failed) console.log(`exports ok: ${packages.map((p) => p.name).join(", ")}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
