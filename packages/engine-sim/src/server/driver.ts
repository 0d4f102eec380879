/**
 * Runs the engine model against the wall clock. Simulated time advances with real time divided by
 * `timeScale` (0.01: a simulated second takes 10 ms); each step's events are released when its
 * simulated end time comes round in real time, so stream chunks leave at their step times. If
 * the host falls behind, steps run back to back and simulated time waits for them (it never runs
 * ahead of real time by more than a timer tick). `instant`: no simulated time at all, steps run
 * back to back and events are released at once. No timers run while the engine is idle.
 * @module
 */
import type { EngineModel } from "../model/engine-model.js";
import { EngineSimError } from "../model/errors.js";
import type { EngineEvent, EngineRequest } from "../model/types.js";

export interface DriverOptions {
  /** Real seconds per simulated second. */
  timeScale: number;
  instant: boolean;
  /** Real clock in seconds (injectable for tests). */
  clock?: () => number;
}

export type EventSink = (event: EngineEvent) => void;

export class EngineDriver {
  private readonly sinks = new Map<string, EventSink>();
  private readonly clock: () => number;
  private readonly realStart: number;
  /** Simulated time at which the engine is next free. */
  private simFree = 0;
  private looping = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly model: EngineModel,
    private readonly options: DriverOptions,
  ) {
    this.clock = options.clock ?? (() => performance.now() / 1000);
    this.realStart = this.clock();
  }

  /** Simulated now: real time since start over the time scale (instant: the engine's own clock). */
  simNow(): number {
    if (this.options.instant) return this.simFree;
    return Math.max(this.simFree, (this.clock() - this.realStart) / this.options.timeScale);
  }

  /** Adds a request; `sink` gets its events (the last one is `finished`). */
  submit(req: EngineRequest, sink: EventSink): void {
    if (this.closed) throw new EngineSimError("driver_closed", "engine driver is closed");
    this.model.addRequest(req, this.arrivalTime());
    this.sinks.set(req.id, sink);
    this.kick();
  }

  /** Aborts a request (client went away); its sink is dropped. */
  abort(id: string): void {
    if (!this.sinks.delete(id)) return;
    this.model.abort(id, this.arrivalTime());
    this.kick();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.sinks.clear();
  }

  private arrivalTime(): number {
    if (this.options.instant) return this.simFree;
    return (this.clock() - this.realStart) / this.options.timeScale;
  }

  private kick(): void {
    if (this.looping || this.closed) return;
    this.looping = true;
    setImmediate(() => this.runStep());
  }

  private runStep(): void {
    this.timer = null;
    if (this.closed) return;
    if (!this.model.hasWork()) {
      this.looping = false;
      return;
    }
    const start = this.simNow();
    const { durationS, events } = this.model.step(start);
    this.simFree = start + durationS;
    if (durationS === 0 && events.length === 0) {
      // Nothing could be scheduled (cannot happen for admitted requests): never spin.
      this.timer = setTimeout(() => this.runStep(), 5);
      return;
    }
    if (this.options.instant) {
      this.dispatch(events);
      setImmediate(() => this.runStep());
      return;
    }
    const dueReal = this.realStart + this.simFree * this.options.timeScale;
    const delayMs = (dueReal - this.clock()) * 1000;
    const next = () => {
      this.dispatch(events);
      this.runStep();
    };
    if (delayMs < 1) setImmediate(next);
    else this.timer = setTimeout(next, Math.ceil(delayMs));
  }

  private dispatch(events: EngineEvent[]): void {
    for (const e of events) {
      const sink = this.sinks.get(e.id);
      if (!sink) continue;
      if (e.type === "finished") this.sinks.delete(e.id);
      sink(e);
    }
  }
}
