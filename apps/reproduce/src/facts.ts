/**
 * Facts about this machine the plan needs: the repository root (or, installed, where the other
 * packages are), the Hugging Face CLI, run ids.
 */
import { accessSync, constants, existsSync, readFileSync, readdirSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The monorepo root (this file is apps/reproduce/src/facts.ts, or dist/facts.js). Installed
 * outside the monorepo it is just the directory three levels up (e.g. `node_modules`), the base
 * the entry paths of entries.ts are relative to.
 */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Whether this package runs from the monorepo's checkout (not from an installed tarball). */
export const IN_MONOREPO =
  existsSync(join(REPO_ROOT, "pnpm-workspace.yaml")) &&
  existsSync(join(REPO_ROOT, "apps", "reproduce", "package.json"));

/** The directory of the installed package `name`, as Node resolves it from this package. */
export function installedPackageDir(name: string): string | null {
  let main: string;
  try {
    main = fileURLToPath(import.meta.resolve(name));
  } catch {
    return null;
  }
  for (let dir = dirname(main); dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    if ((JSON.parse(readFileSync(file, "utf8")) as { name?: unknown }).name === name) return dir;
  }
  return null;
}

/** The file of the bin `bin` of the installed package `name`. */
export function installedBin(name: string, bin: string): string | null {
  const dir = installedPackageDir(name);
  if (!dir) return null;
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    bin?: string | Record<string, string>;
  };
  const file = typeof pkg.bin === "string" ? pkg.bin : pkg.bin?.[bin];
  return file ? join(dir, file) : null;
}

export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

export function findHfCli(env: NodeJS.ProcessEnv = process.env): "hf" | "huggingface-cli" | null {
  if (onPath("hf", env)) return "hf";
  if (onPath("huggingface-cli", env)) return "huggingface-cli";
  return null;
}

export function makeRunId(preset: string, simulate: boolean, now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${preset}-${simulate ? "sim" : "real"}-${t}`;
}

/**
 * The runner's sample dataset (`--subset sample`) as a file, wherever apps/swebench keeps it;
 * outside the monorepo, in the installed `@thunderagent/swebench`.
 */
export function findSampleDataset(root = REPO_ROOT): string | null {
  const inRoot = join(root, "apps", "swebench");
  const base =
    IN_MONOREPO || existsSync(inRoot)
      ? inRoot
      : (installedPackageDir("@thunderagent/swebench") ?? inRoot);
  const candidates: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 3 || !existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name === "dist" || e.name === "test") continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (/^sample[\w.-]*\.(jsonl|json)$/i.test(e.name)) candidates.push(p);
    }
  };
  walk(base, 0);
  candidates.sort((a, b) => a.length - b.length);
  return candidates[0] ?? null;
}
