/**
 * Running a sweep's cells in order: a cell whose result file exists is skipped (`--resume`), one
 * whose directory exists without it was interrupted and is set aside and run again. The result is
 * written atomically after the cell's processes have stopped, so a kill at any moment leaves the
 * cell unfinished, never half-finished. A progress line (bar, current cell, ETA of the whole
 * sweep) is printed when a cell starts and ends and every `progressEveryS` seconds.
 * @module
 */
import type { SweepCellKey, SweepCellResult, SweepManifest } from "@thunderagent/protocol";
import { progressLine, type SweepProgress } from "./progress.js";
import { readCellResult, setAsideInterrupted, writeCellResult } from "./store.js";

export interface SweepRunner {
  readonly sweepDir: string;
  readonly manifest: SweepManifest;
  readonly runCell: (cell: SweepCellKey) => Promise<SweepCellResult>;
  readonly log: (line: string) => void;
  /** Where the progress line goes (stderr; a TTY gets it redrawn in place by the caller). */
  readonly progress: (line: string) => void;
  /** Expected wall seconds of one cell, for the ETA before any cell has finished. */
  readonly plannedCellS: number;
  readonly progressEveryS?: number;
}

export interface SweepOutcome {
  readonly ran: number;
  readonly skipped: number;
  readonly results: SweepCellResult[];
}

export async function runSweep(r: SweepRunner): Promise<SweepOutcome> {
  const cells = r.manifest.cells;
  const results: SweepCellResult[] = [];
  const ranS: number[] = [];
  let done = 0;
  let skipped = 0;
  let current: { id: string; since: number } | null = null;
  const state = (): SweepProgress => ({
    total: cells.length,
    done,
    current: current?.id ?? null,
    ranS,
    plannedCellS: r.plannedCellS,
    currentElapsedS: current ? (Date.now() - current.since) / 1000 : 0,
  });
  for (const cell of cells) {
    const prior = readCellResult(r.sweepDir, cell);
    if (prior) {
      results.push(prior);
      done++;
      skipped++;
    }
  }
  if (skipped > 0) r.log(`resuming: ${skipped} of ${cells.length} cells already finished`);
  const ticker = setInterval(
    () => r.progress(progressLine(state())),
    (r.progressEveryS ?? 30) * 1000,
  );
  ticker.unref();
  try {
    for (const cell of cells) {
      if (results.some((x) => x.cell.id === cell.id)) continue;
      const aside = await setAsideInterrupted(r.sweepDir, cell);
      if (aside) r.log(`${cell.id} was interrupted; its files moved to ${aside}, running it again`);
      current = { id: cell.id, since: Date.now() };
      r.progress(progressLine(state()));
      const result = await r.runCell(cell);
      await writeCellResult(r.sweepDir, result);
      ranS.push((Date.now() - current.since) / 1000);
      current = null;
      results.push(result);
      done++;
      r.log(
        `${cell.id}: ${result.steps_per_min.toFixed(1)} steps/min` +
          (result.kv_hit_rate === null ? "" : `, KV hit ${(result.kv_hit_rate * 100).toFixed(1)}%`),
      );
      r.progress(progressLine(state()));
    }
  } finally {
    clearInterval(ticker);
  }
  const order = new Map(cells.map((c, i) => [c.id, i]));
  results.sort((a, b) => (order.get(a.cell.id) ?? 0) - (order.get(b.cell.id) ?? 0));
  return { ran: cells.length - skipped, skipped, results };
}
