/**
 * What the progress view shows, kept apart from how it is drawn: instances done and running
 * (with their step and status), exit statuses, LLM calls completed. Pure; time is passed in.
 * @module
 */

export interface RunningInstance {
  step: number;
  status: string;
  startedAt: number;
}

export interface ProgressSnapshot {
  total: number;
  done: number;
  skipped: number;
  running: Array<[string, RunningInstance]>;
  exitStatuses: Record<string, number>;
  steps: number;
  elapsedS: number;
  stepsPerMin: number;
  stopping: boolean;
}

export class ProgressState {
  readonly running = new Map<string, RunningInstance>();
  readonly exitStatuses = new Map<string, number>();
  done = 0;
  steps = 0;
  stopping = false;

  constructor(
    readonly total: number,
    readonly skipped: number,
    readonly startedAt: number,
  ) {}

  start(id: string, now: number): void {
    this.running.set(id, { step: 0, status: "starting environment", startedAt: now });
  }

  update(id: string, patch: Partial<RunningInstance>): void {
    const cur = this.running.get(id);
    if (cur) Object.assign(cur, patch);
  }

  stepDone(): void {
    this.steps++;
  }

  finish(id: string, exitStatus: string, counted: boolean): void {
    this.running.delete(id);
    if (!counted) return;
    this.done++;
    this.exitStatuses.set(exitStatus, (this.exitStatuses.get(exitStatus) ?? 0) + 1);
  }

  snapshot(now: number): ProgressSnapshot {
    const elapsedS = Math.max(0, now - this.startedAt);
    return {
      total: this.total,
      done: this.done,
      skipped: this.skipped,
      running: [...this.running].sort((a, b) => a[1].startedAt - b[1].startedAt),
      exitStatuses: Object.fromEntries(this.exitStatuses),
      steps: this.steps,
      elapsedS,
      stepsPerMin: elapsedS > 0 ? (this.steps / elapsedS) * 60 : 0,
      stopping: this.stopping,
    };
  }
}

export function formatDuration(s: number): string {
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, "0")}m`
    : m > 0
      ? `${m}m${String(sec).padStart(2, "0")}s`
      : `${sec}s`;
}

/** One line for logs and non-TTY output. */
export function progressLine(s: ProgressSnapshot): string {
  const errors = Object.entries(s.exitStatuses)
    .filter(([k]) => k !== "Submitted")
    .reduce((n, [, v]) => n + v, 0);
  return (
    `[swebench] ${s.done}/${s.total} done, ${s.running.length} running, ${errors} not submitted, ` +
    `${s.steps} steps (${s.stepsPerMin.toFixed(1)}/min), elapsed ${formatDuration(s.elapsedS)}` +
    (s.stopping ? " — stopping" : "")
  );
}

/** The TTY view: a bar plus a table of running instances (at most `maxRows`). */
export function progressScreen(s: ProgressSnapshot, width: number, maxRows: number): string[] {
  const barWidth = Math.max(10, Math.min(50, width - 40));
  const frac = s.total > 0 ? s.done / s.total : 1;
  const filled = Math.round(frac * barWidth);
  const lines = [
    `${"█".repeat(filled)}${"░".repeat(barWidth - filled)} ${s.done}/${s.total} ` +
      `(${(frac * 100).toFixed(0)}%) ${s.stepsPerMin.toFixed(1)} steps/min ${formatDuration(s.elapsedS)}` +
      (s.stopping ? " STOPPING" : ""),
    `${"instance".padEnd(44)} ${"step".padStart(5)}  status`,
  ];
  for (const [id, r] of s.running.slice(0, maxRows)) {
    lines.push(
      `${id.slice(0, 44).padEnd(44)} ${String(r.step).padStart(5)}  ${r.status}`.slice(0, width),
    );
  }
  if (s.running.length > maxRows) lines.push(`… and ${s.running.length - maxRows} more running`);
  return lines;
}
