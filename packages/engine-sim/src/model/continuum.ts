/**
 * Continuum's pin-on-finish, as the released vLLM-continuum code does it (docs/simulator-facts.md,
 * "Continuum"):
 * a finished request whose program is not on its last step keeps its KV blocks referenced for
 * `ttlS` if its tool's running mean exec time is ≤ `maxMeanToolS` or the tool was never seen.
 * Pins are released on expiry (when the program has no waiting request), when a later request of
 * the same program finishes, or under memory pressure (the scheduler decides when).
 * @module
 */
import type { ContinuumConfig } from "./config.js";
import type { RequestState } from "./request-state.js";

export interface Pin {
  state: RequestState;
  programId: string;
  expiry: number;
}

interface ProgramInfo {
  firstArrival: number;
  waiting: number;
  pins: number;
  lastDeparture: number | null;
  lastToolKey: string | null;
}

export class ContinuumState {
  readonly pins: Pin[] = [];
  private readonly programs = new Map<string, ProgramInfo>();
  private readonly toolMeans = new Map<string, { sum: number; n: number }>();

  constructor(readonly config: ContinuumConfig) {}

  private program(id: string, now: number): ProgramInfo {
    let p = this.programs.get(id);
    if (!p) {
      p = { firstArrival: now, waiting: 0, pins: 0, lastDeparture: null, lastToolKey: null };
      this.programs.set(id, p);
    }
    return p;
  }

  /** A request of `programId` arrived: measures the previous tool's exec time. */
  onArrive(programId: string, now: number): number {
    const p = this.program(programId, now);
    if (p.lastDeparture !== null && p.lastToolKey !== null) {
      const m = this.toolMeans.get(p.lastToolKey) ?? { sum: 0, n: 0 };
      m.sum += Math.max(0, now - p.lastDeparture);
      m.n++;
      this.toolMeans.set(p.lastToolKey, m);
      p.lastToolKey = null;
    }
    p.waiting++;
    return p.firstArrival;
  }

  /** A preempted request of `programId` went back to the waiting queue. */
  onRequeue(programId: string): void {
    const p = this.programs.get(programId);
    if (p) p.waiting++;
  }

  /** A waiting request of `programId` left the waiting queue (admitted or aborted). */
  onLeaveWaiting(programId: string): void {
    const p = this.programs.get(programId);
    if (p && p.waiting > 0) p.waiting--;
  }

  /** The running mean exec time of a tool, or null if never seen. */
  toolMean(toolKey: string): number | null {
    const m = this.toolMeans.get(toolKey);
    return m && m.n > 0 ? m.sum / m.n : null;
  }

  holdsPin(programId: string): boolean {
    return (this.programs.get(programId)?.pins ?? 0) > 0;
  }

  /**
   * A request finished at `now`: returns the pins to release (older pins of its program), and
   * whether this request should be pinned (then `pin` is called by the scheduler).
   */
  onFinish(state: RequestState, now: number): { release: Pin[]; ttl: number } {
    const programId = state.req.programId;
    if (programId === undefined) return { release: [], ttl: 0 };
    const p = this.program(programId, now);
    p.lastDeparture = now;
    p.lastToolKey = state.req.toolKey ?? null;
    const release = this.takeWhere((pin) => pin.programId === programId);
    if (state.req.isLastStep) return { release, ttl: 0 };
    const key = state.req.toolKey;
    const mean = key === undefined ? null : this.toolMean(key);
    const ttl = mean === null || mean <= this.config.maxMeanToolS ? this.config.ttlS : 0;
    return { release, ttl };
  }

  pin(state: RequestState, programId: string, expiry: number): void {
    this.pins.push({ state, programId, expiry });
    this.program(programId, expiry).pins++;
  }

  /**
   * Expired pins whose program has no waiting request (`unpin_requests_regular`). The released
   * code removes them from the list it is iterating over (a Python `for` over `pinned_requests`
   * calling `remove`), so the pin right after each released one is not examined in that
   * `schedule()` call: it waits for the next one. Kept, since it is what the fork does.
   */
  takeExpired(now: number): Pin[] {
    const out: Pin[] = [];
    let w = 0;
    let skipNext = false;
    for (const pin of this.pins) {
      if (skipNext) {
        skipNext = false;
        this.pins[w++] = pin;
        continue;
      }
      if (pin.expiry <= now && (this.programs.get(pin.programId)?.waiting ?? 0) === 0) {
        out.push(pin);
        this.dropCount(pin);
        skipNext = true;
      } else {
        this.pins[w++] = pin;
      }
    }
    this.pins.length = w;
    return out;
  }

  /** The pin with the latest end time (memory pressure), or null. */
  takeLatest(): Pin | null {
    if (this.pins.length === 0) return null;
    let best = 0;
    for (let i = 1; i < this.pins.length; i++) {
      if (this.pins[i]!.expiry > this.pins[best]!.expiry) best = i;
    }
    const [pin] = this.pins.splice(best, 1);
    this.dropCount(pin!);
    return pin!;
  }

  /** The earliest pin expiry, or null. */
  earliestExpiry(): number | null {
    let e: number | null = null;
    for (const pin of this.pins) if (e === null || pin.expiry < e) e = pin.expiry;
    return e;
  }

  private takeWhere(pred: (pin: Pin) => boolean): Pin[] {
    const out: Pin[] = [];
    let w = 0;
    for (const pin of this.pins) {
      if (pred(pin)) {
        out.push(pin);
        this.dropCount(pin);
      } else {
        this.pins[w++] = pin;
      }
    }
    this.pins.length = w;
    return out;
  }

  private dropCount(pin: Pin): void {
    const p = this.programs.get(pin.programId);
    if (p && p.pins > 0) p.pins--;
  }
}

/** The running request to preempt: its program arrived latest (job-level LIFO), non-last-step first. */
export function continuumVictim(running: readonly RequestState[]): number {
  let best = -1;
  for (let k = 0; k < running.length; k++) {
    const r = running[k]!;
    if (best < 0) {
      best = k;
      continue;
    }
    const b = running[best]!;
    const rl = r.req.isLastStep === true;
    const bl = b.req.isLastStep === true;
    if (rl !== bl) {
      if (!rl) best = k;
    } else if (
      r.programArrival > b.programArrival ||
      (r.programArrival === b.programArrival && r.seq > b.seq)
    ) {
      best = k;
    }
  }
  return best;
}

/**
 * The waiting request to admit next (`ContinuumRequestQueue.peek_request`): requests of programs
 * holding a pin first, then program-level FCFS (a program's first arrival; requests without a
 * program by their own arrival).
 */
export function continuumPick(cont: ContinuumState, waiting: readonly RequestState[]): number {
  let best = 0;
  let bestPinned = false;
  for (let k = 0; k < waiting.length; k++) {
    const s = waiting[k]!;
    const pinned = s.req.programId !== undefined && cont.holdsPin(s.req.programId);
    if (k === 0) {
      bestPinned = pinned;
      continue;
    }
    const b = waiting[best]!;
    if (pinned !== bestPinned) {
      if (pinned) {
        best = k;
        bestPinned = true;
      }
      continue;
    }
    const sa = s.req.programId === undefined ? s.arrival : s.programArrival;
    const ba = b.req.programId === undefined ? b.arrival : b.programArrival;
    if (sa < ba || (sa === ba && s.seq < b.seq)) best = k;
  }
  return best;
}
