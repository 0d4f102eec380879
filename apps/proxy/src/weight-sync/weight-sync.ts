/**
 * Weight sync: while an RL trainer (SkyRL, …) broadcasts new weights to the engines, the router
 * lets no new request through and skips its scheduler ticks. `begin` and `end` are idempotent; a
 * request that arrives during a sync waits and goes on after `end`. A sync left open is ended by
 * a watchdog after `--weight-sync-timeout` seconds, so no request waits longer than that.
 * @module
 */
import type { Logger } from "pino";
import type { WeightSyncState } from "@thunderagent/protocol";
import { ClientGone } from "../chat/client-gone.js";
import { ProxyError } from "../errors.js";
import type { HangUp } from "../upstream/hang-up.js";

type Gate = { open(): void; fail(err: Error): void };

export class WeightSync {
  #since: number | null = null;
  #watchdog: NodeJS.Timeout | null = null;
  readonly #gates = new Set<Gate>();
  #closed = false;
  syncs = 0;
  watchdogEnds = 0;
  skippedTicks = 0;

  constructor(
    private readonly timeoutS: number,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  get active(): boolean {
    return this.#since !== null;
  }

  /** Starts a sync; a second begin while one is active changes nothing (`started: false`). */
  begin(): { started: boolean; since: number } {
    if (this.#since !== null) return { started: false, since: this.#since };
    this.#since = this.now();
    this.syncs++;
    this.#watchdog = setTimeout(() => this.#expire(), this.timeoutS * 1000);
    this.#watchdog.unref();
    this.log.info({ timeoutS: this.timeoutS }, "weight sync began");
    return { started: true, since: this.#since };
  }

  /** Ends the sync and lets the waiting requests go; `ended: false` when none was active. */
  end(): { ended: boolean; duration_s: number | null } {
    if (this.#since === null) return { ended: false, duration_s: null };
    const duration = Math.max(0, this.now() - this.#since);
    this.#since = null;
    if (this.#watchdog) clearTimeout(this.#watchdog);
    this.#watchdog = null;
    const gates = [...this.#gates];
    this.#gates.clear();
    for (const g of gates) g.open();
    this.log.info({ durationS: duration, released: gates.length }, "weight sync ended");
    return { ended: true, duration_s: duration };
  }

  #expire(): void {
    this.watchdogEnds++;
    this.log.warn({ timeoutS: this.timeoutS }, "weight sync left open: ended by the watchdog");
    this.end();
  }

  /**
   * Resolves at once when no sync is active, else when it ends. Rejects with {@link ClientGone}
   * when the client hangs up while waiting, and with a 503 at shutdown.
   */
  pass(hangUp: HangUp): Promise<void> {
    if (this.#closed) return Promise.reject(shuttingDown());
    if (this.#since === null) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const gate: Gate = {
        open: () => {
          hangUp.off("abort", onAbort);
          resolve();
        },
        fail: (err) => {
          hangUp.off("abort", onAbort);
          reject(err);
        },
      };
      const onAbort = () => {
        this.#gates.delete(gate);
        reject(new ClientGone());
      };
      if (hangUp.aborted) return reject(new ClientGone());
      hangUp.once("abort", onAbort);
      this.#gates.add(gate);
    });
  }

  /** `weight_sync` in `/health`. */
  view(): WeightSyncState {
    return {
      active: this.active,
      since: this.#since,
      timeout_s: this.timeoutS,
      waiting_requests: this.#gates.size,
      syncs_total: this.syncs,
      watchdog_ends_total: this.watchdogEnds,
    };
  }

  /** Shutdown: the waiting requests get a 503, the watchdog stops. */
  close(): number {
    this.#closed = true;
    if (this.#watchdog) clearTimeout(this.#watchdog);
    this.#watchdog = null;
    const gates = [...this.#gates];
    this.#gates.clear();
    for (const g of gates) g.fail(shuttingDown());
    return gates.length;
  }
}

function shuttingDown(): ProxyError {
  return new ProxyError(503, "the router is shutting down", "shutting_down");
}
