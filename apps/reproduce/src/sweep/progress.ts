/**
 * The sweep's progress line: which cell runs, how many are done, and an ETA for the whole sweep.
 * Pure formatting; the estimate is the planned cell length until cells have finished, then the
 * mean of the finished cells' wall time (cells skipped by --resume do not count).
 * @module
 */

export interface SweepProgress {
  readonly total: number;
  /** Cells finished (this session or before a resume). */
  readonly done: number;
  readonly current: string | null;
  /** Wall seconds the cells run in this session took. */
  readonly ranS: readonly number[];
  /** Planned seconds per cell, before any has run. */
  readonly plannedCellS: number;
  /** Seconds the current cell has been running. */
  readonly currentElapsedS: number;
}

export function etaSeconds(p: SweepProgress): number {
  const perCell =
    p.ranS.length > 0 ? p.ranS.reduce((a, b) => a + b, 0) / p.ranS.length : p.plannedCellS;
  const left = Math.max(0, p.total - p.done);
  return Math.max(0, left * perCell - (p.current ? Math.min(p.currentElapsedS, perCell) : 0));
}

export function formatDuration(s: number): string {
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")} min`;
  if (m > 0) return `${m} min ${String(sec).padStart(2, "0")} s`;
  return `${sec} s`;
}

export function progressLine(p: SweepProgress, width = 20): string {
  const filled = p.total > 0 ? Math.round((p.done / p.total) * width) : width;
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
  const cur = p.current ? ` running ${p.current}` : "";
  return `${bar} ${p.done}/${p.total} cells${cur}; sweep ETA ${formatDuration(etaSeconds(p))}`;
}
