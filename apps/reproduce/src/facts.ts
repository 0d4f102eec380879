/** Facts about this machine the plan needs: the repository root, the Hugging Face CLI, run ids. */
import { accessSync, constants, existsSync, readdirSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo root (this file is apps/reproduce/src/facts.ts, or dist/facts.js). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

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

/** The runner's sample dataset (`--subset sample`) as a file, wherever apps/swebench keeps it. */
export function findSampleDataset(root = REPO_ROOT): string | null {
  const base = join(root, "apps", "swebench");
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
