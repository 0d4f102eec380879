/**
 * `--render ROWS.json`: the table, the verdict and the report of an earlier session, from its rows
 * file, without running anything. The profile statistics are recomputed from the runs' CSVs when
 * those still exist (so a fix to how they are read reaches old sessions); steps/min and hit rates
 * are the rows' own.
 * @module
 */
import { readFile } from "node:fs/promises";
import { BenchError } from "../errors.js";
import type { RunRow } from "./execute.js";
import { readWindowStats } from "./profile-stats.js";
import type { SessionInfo } from "./summary.js";

export interface RenderedSession {
  readonly info: SessionInfo;
  readonly rows: RunRow[];
}

export async function loadSession(path: string): Promise<RenderedSession> {
  const doc = JSON.parse(await readFile(path, "utf8")) as Partial<SessionInfo> & {
    rows?: RunRow[];
  } & Record<string, unknown>;
  if (!Array.isArray(doc.rows) || typeof doc.rounds !== "number" || !doc.window) {
    throw new BenchError("invalid_rows", `${path} is not a bench:vs-original rows file`);
  }
  const rows = await Promise.all(
    doc.rows.map(async (r) => {
      const minuteS = 60 * (r.time_scale ?? 1);
      const window = { startMin: r.window.start_min, endMin: r.window.end_min };
      const profile = await readWindowStats(r.profile_csv, r.started_at, window, minuteS);
      return { ...r, profile: profile ?? r.profile };
    }),
  );
  // What buildDocument derives again (the summary, the verdict, …) is dropped.
  const info = Object.fromEntries(
    Object.entries(doc).filter(
      ([k]) => !["rows", "schema", "complete", "summary", "verdict"].includes(k),
    ),
  ) as unknown as SessionInfo;
  return { info, rows };
}
