/**
 * The programs table behind the dashboard: one row per program of the Router's `programsView()`,
 * plus what the view does not carry (since when it is paused, how often it was paused, the
 * backend it was paused from), learned from the Router's tick results, releases and the
 * differences between two views. Rows changed since the last `drain()` are remembered, so a
 * delta names only them. Pure: time is passed in, events go to the event log.
 * @module
 */
import type { ProgramsResponse } from "@thunderagent/protocol";
import type { TickResult } from "../router-port.js";
import type { EventLog } from "./event-log.js";
import type { EventKind, ProgramRow } from "./feed-types.js";

type ViewEntry = ProgramsResponse[string];

export class ProgramTracker {
  readonly #rows = new Map<string, ProgramRow>();
  readonly #dirty = new Set<string>();
  readonly #removed = new Set<string>();
  /** Whether changes are remembered for a delta (only while a page listens: bounded otherwise). */
  #recording = false;

  constructor(private readonly events: EventLog) {}

  get size(): number {
    return this.#rows.size;
  }

  rows(): ProgramRow[] {
    return [...this.#rows.values()];
  }

  /** Start or stop remembering changes; either way the ones remembered so far are dropped. */
  setRecording(on: boolean): void {
    this.#recording = on;
    this.#dirty.clear();
    this.#removed.clear();
  }

  /** What a tick decided: pauses, marks, restores (migrations, forced resumes), reclaims. */
  observeTick(result: TickResult, now: number): void {
    const forced = new Set(result.resumed.filter((r) => r.forced).map((r) => r.programId));
    for (const id of result.paused) this.#paused(this.#row(id), now);
    for (const id of result.marked) {
      this.events.push(now, "mark", id, this.#rows.get(id)?.backend ?? null);
    }
    for (const r of result.restored) {
      const row = this.#row(r.programId);
      const kind = forced.has(r.programId) ? "forced" : restoreKind(r.from, r.backend);
      this.#restored(row, r.backend, r.from, kind, now);
    }
    for (const r of result.reclaimed) this.#remove(r.programId, "reclaim", now);
  }

  /** A program released (`POST /programs/release` or the in-band close). */
  observeRelease(programId: string, now: number): void {
    this.#remove(programId, "release", now);
  }

  /**
   * Brings the rows in line with the Router's view: new programs, changed fields, programs gone,
   * and state changes no tick announced (a marked program pausing when its request ends, a
   * program re-queued off a sick backend, a release's restore).
   */
  sync(view: ProgramsResponse, now: number): void {
    for (const [id, v] of Object.entries(view)) this.#syncOne(id, v, now);
    if (this.#rows.size === Object.keys(view).length) return;
    for (const id of this.#rows.keys()) {
      if (!Object.hasOwn(view, id)) this.#drop(id);
    }
  }

  /** The rows changed and the ids removed since the last drain (while recording). */
  drain(): { upsert: ProgramRow[]; remove: string[] } {
    const upsert: ProgramRow[] = [];
    for (const id of this.#dirty) {
      const row = this.#rows.get(id);
      if (row) upsert.push({ ...row });
    }
    const remove = [...this.#removed];
    this.#dirty.clear();
    this.#removed.clear();
    return { upsert, remove };
  }

  #syncOne(id: string, v: ViewEntry, now: number): void {
    const known = this.#rows.get(id);
    const row = known ?? this.#row(id, v.state === "paused" ? now : null);
    if (known && known.state !== v.state) {
      if (v.state === "paused") this.#paused(row, now);
      else
        this.#restored(row, v.backend ?? "", row.backend, restoreKind(row.backend, v.backend), now);
    }
    const backend = v.backend ?? (v.state === "paused" ? row.backend : null);
    if (
      row.status !== v.status ||
      row.tokens !== v.total_tokens ||
      row.steps !== v.step_count ||
      row.backend !== backend ||
      row.state !== v.state
    ) {
      row.status = v.status;
      row.tokens = v.total_tokens;
      row.steps = v.step_count;
      row.backend = backend;
      row.state = v.state;
      this.#touch(id);
    }
  }

  #row(id: string, pausedSince: number | null = null): ProgramRow {
    let row = this.#rows.get(id);
    if (!row) {
      row = {
        id,
        state: pausedSince === null ? "active" : "paused",
        status: "reasoning",
        tokens: 0,
        backend: null,
        steps: 0,
        pausedSince,
        pauses: 0,
      };
      this.#rows.set(id, row);
      if (this.#recording) this.#removed.delete(id);
      this.#touch(id);
    }
    return row;
  }

  #paused(row: ProgramRow, now: number): void {
    if (row.state === "paused" && row.pausedSince !== null) return;
    row.state = "paused";
    row.pausedSince = now;
    row.pauses++;
    this.events.push(now, "pause", row.id, row.backend);
    this.#touch(row.id);
  }

  #restored(
    row: ProgramRow,
    backend: string,
    from: string | null,
    kind: EventKind,
    now: number,
  ): void {
    if (row.state === "active" && row.pausedSince === null && row.backend === backend) return;
    row.state = "active";
    row.pausedSince = null;
    row.backend = backend;
    this.events.push(now, kind, row.id, backend, from);
    this.#touch(row.id);
  }

  #remove(id: string, kind: EventKind, now: number): void {
    const row = this.#rows.get(id);
    this.events.push(now, kind, id, row?.backend ?? null);
    this.#drop(id);
  }

  #drop(id: string): void {
    if (!this.#rows.delete(id)) return;
    if (!this.#recording) return;
    this.#dirty.delete(id);
    this.#removed.add(id);
  }

  #touch(id: string): void {
    if (this.#recording) this.#dirty.add(id);
  }
}

/** A restore's event: admitted (a new program queued first), migrated, or back where it was. */
function restoreKind(from: string | null, to: string | null): EventKind {
  if (from === null) return "admit";
  return from !== to ? "migrate" : "restore";
}
