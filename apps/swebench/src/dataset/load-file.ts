/**
 * Instances from local files: `.json` (an array, or an object of rows), `.jsonl` (one row per
 * line) and `.parquet` (hyparquet, the format Hugging Face stores datasets in).
 * @module
 */
import { readFile } from "node:fs/promises";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { SwebenchError } from "../errors.js";

export async function loadRowsFromFile(path: string): Promise<unknown[]> {
  const lower = path.toLowerCase();
  if (lower.endsWith(".parquet")) {
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(path) });
    return rows.map(normaliseParquetRow);
  }
  const text = await readFile(path, "utf8");
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
    return text
      .split("\n")
      .map((line, i) => ({ line: line.trim(), i }))
      .filter(({ line }) => line !== "")
      .map(({ line, i }) => {
        try {
          return JSON.parse(line) as unknown;
        } catch (error) {
          throw new SwebenchError(
            "invalid_dataset",
            `${path}:${i + 1}: invalid JSON (${(error as Error).message})`,
          );
        }
      });
  }
  const doc: unknown = JSON.parse(text);
  if (Array.isArray(doc)) return doc;
  if (typeof doc === "object" && doc !== null) {
    const rows =
      (doc as { rows?: unknown; instances?: unknown }).rows ??
      (doc as { instances?: unknown }).instances;
    if (Array.isArray(rows)) return rows;
    return Object.values(doc);
  }
  throw new SwebenchError("invalid_dataset", `${path}: expected a JSON array of instances`);
}

/** BigInt columns (int64) become numbers so rows serialise as JSON. */
function normaliseParquetRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === "bigint" ? Number(v) : v;
  return out;
}
