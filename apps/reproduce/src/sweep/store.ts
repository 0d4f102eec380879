/**
 * The sweep's run directory: `sweep.json` (the manifest, written once), and per cell
 * `cells/<id>/` with its logs, raw data and `result.json`. A cell is finished exactly when its
 * result file exists and validates: it is written atomically, last, so a cell killed at any moment
 * has none. `--resume` moves an interrupted cell's directory aside (`<id>.interrupted-<n>`, its
 * logs kept for a post-mortem) and runs it again.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { readdir, rename } from "node:fs/promises";
import { join } from "node:path";
import {
  SweepCellResult,
  SweepManifest,
  parseOrThrow,
  type SweepCellKey,
} from "@thunderagent/protocol";
import { writeFileAtomic } from "@thunderagent/swebench";
import { ReproduceError } from "../errors.js";

export const MANIFEST = "sweep.json";
export const RESULT = "result.json";

export function cellDir(sweepDir: string, id: string): string {
  return join(sweepDir, "cells", id);
}

export function readManifest(sweepDir: string): SweepManifest {
  const path = join(sweepDir, MANIFEST);
  if (!existsSync(path)) {
    throw new ReproduceError(
      "invalid_plan",
      `--resume ${sweepDir}: no ${MANIFEST} there; give the directory a sweep was started in`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ReproduceError("invalid_plan", `${path} is not JSON: ${(err as Error).message}`);
  }
  return parseOrThrow(SweepManifest, raw, path);
}

export async function writeManifest(sweepDir: string, m: SweepManifest): Promise<void> {
  await writeFileAtomic(join(sweepDir, MANIFEST), `${JSON.stringify(m, null, 2)}\n`);
}

/** The cell's result, or null when it has not finished (no file, or one that does not validate). */
export function readCellResult(sweepDir: string, cell: SweepCellKey): SweepCellResult | null {
  const path = join(cellDir(sweepDir, cell.id), RESULT);
  if (!existsSync(path)) return null;
  try {
    const r = SweepCellResult.parse(JSON.parse(readFileSync(path, "utf8")));
    return r.cell.id === cell.id ? r : null;
  } catch {
    return null;
  }
}

export async function writeCellResult(sweepDir: string, r: SweepCellResult): Promise<void> {
  const checked = parseOrThrow(SweepCellResult, r, `cell ${r.cell.id} result`);
  await writeFileAtomic(
    join(cellDir(sweepDir, r.cell.id), RESULT),
    `${JSON.stringify(checked, null, 2)}\n`,
  );
}

/** Moves an interrupted cell's directory aside; returns where it went, or null if there was none. */
export async function setAsideInterrupted(
  sweepDir: string,
  cell: SweepCellKey,
): Promise<string | null> {
  const dir = cellDir(sweepDir, cell.id);
  if (!existsSync(dir)) return null;
  const siblings = await readdir(join(sweepDir, "cells"));
  const n = siblings.filter((s) => s.startsWith(`${cell.id}.interrupted-`)).length + 1;
  const to = `${dir}.interrupted-${n}`;
  await rename(dir, to);
  return to;
}
