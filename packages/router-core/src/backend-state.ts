/**
 * One backend as the router sees it: health, the last metrics snapshot, the programs registered on
 * it, and incremental token sums over them (reasoning, acting, marked), so nothing rescans all
 * programs per request. A program's contribution is recorded on attach and subtracted on detach;
 * it counts the program's reserved tokens (0 once an acting lease expired, policy/acting-lease.ts).
 * @module
 */
import { BackendPrograms } from "./backend-programs.js";
import { RouterCoreError } from "./errors.js";
import { reservedTokens } from "./policy/acting-lease.js";
import { smoothKvUsage } from "./policy/kv-signal.js";
import type { Program } from "./program.js";
import type { BackendSnapshot, CapacityFrom } from "./types.js";

/** How many scrapes `history_size` counts at most (the original keeps 12). */
export const METRICS_HISTORY_SIZE = 12;

export class BackendState {
  readonly url: string;
  healthy = true;
  snapshot: BackendSnapshot | null = null;
  lastUpdated: number | null = null;
  historySize = 0;
  /** Programs registered here, in registration order. */
  readonly programs = new BackendPrograms<Program>();
  reasoningTokens = 0;
  actingTokens = 0;
  reasoningCount = 0;
  actingCount = 0;
  /** Tokens of reasoning programs marked for pause (`future_paused_tokens`). */
  markedTokens = 0;
  markedCount = 0;
  /** Programs whose acting lease expired: neither their tokens nor their buffer count. */
  idleCount = 0;
  /** The original's running `future_paused_tokens` counter (FuturePausedTokens "original"). */
  futurePausedCounter = 0;
  /** Prefix-sharing credit, refreshed at each tick from the last snapshot. */
  sharedTokens = 0;
  /** A scrape was attempted (successful or not): CapacityFrom "first-attempt" reads no more. */
  capacityAttempted = false;
  /**
   * The KV-usage signal: the last scrape's `kvCacheUsage`, or its moving average with
   * `kvUsageSmoothingS` (policy/kv-signal.ts); null before a scrape.
   */
  kvUsageSignal: number | null = null;

  constructor(url: string) {
    this.url = url;
  }

  /** KV capacity in tokens, or null while unknown (no snapshot with a capacity yet). */
  get capacity(): number | null {
    return this.snapshot?.capacityTokens ?? null;
  }

  get programCount(): number {
    return this.programs.size;
  }

  /** Programs that hold a buffer: all but those whose acting lease expired. */
  get bufferedCount(): number {
    return this.programs.size - this.idleCount;
  }

  /**
   * Records a scrape. `capacityFrom` (CapacityFrom): "first-scrape" keeps a capacity already
   * known; "first-attempt" keeps whatever the first attempt left, even none (a failed attempt is
   * recorded by {@link scrapeFailed}).
   */
  recordSnapshot(
    snapshot: BackendSnapshot,
    now: number,
    capacityFrom: CapacityFrom = "every-scrape",
    kvSmoothingS: number | null = null,
  ): void {
    const prev = this.snapshot;
    this.kvUsageSignal = smoothKvUsage(
      this.kvUsageSignal,
      this.lastUpdated,
      snapshot.kvCacheUsage,
      now,
      kvSmoothingS,
    );
    const keep =
      capacityFrom === "first-attempt"
        ? this.capacityAttempted
        : capacityFrom === "first-scrape" && prev !== null && prev.capacityTokens !== null;
    this.capacityAttempted = true;
    this.snapshot = keep
      ? {
          ...snapshot,
          capacityTokens: prev?.capacityTokens ?? null,
          blockSize: prev?.blockSize ?? null,
          numGpuBlocks: prev?.numGpuBlocks ?? null,
        }
      : snapshot;
    this.lastUpdated = now;
    this.historySize = Math.min(METRICS_HISTORY_SIZE, this.historySize + 1);
  }

  /** A scrape that failed: with "first-attempt" a first failure leaves the capacity unknown. */
  scrapeFailed(): void {
    this.capacityAttempted = true;
  }

  /** Registers `p` and adds its current tokens/status/mark to the sums. */
  attach(p: Program): void {
    const acc = p.account;
    if (acc.attached) {
      throw new RouterCoreError("already_attached", `program ${p.id} is already attached`);
    }
    const acting = p.status === "acting";
    const tokens = reservedTokens(p);
    this.addSums(tokens, acting, p.markedForPause, 1, p.leaseExpired);
    acc.attached = true;
    acc.tokens = tokens;
    acc.acting = acting;
    acc.marked = p.markedForPause;
    acc.idle = p.leaseExpired;
    this.programs.add(p);
  }

  /** Unregisters `p`, subtracting exactly what attach() added. */
  detach(p: Program): void {
    const acc = p.account;
    if (!acc.attached) return;
    this.addSums(acc.tokens, acc.acting, acc.marked, -1, acc.idle);
    acc.attached = false;
    this.programs.delete(p);
  }

  /** Re-reads `p`'s tokens/status/mark after a change (O(1)). */
  refresh(p: Program): void {
    const acc = p.account;
    if (!acc.attached) return;
    const acting = p.status === "acting";
    const tokens = reservedTokens(p);
    const idle = p.leaseExpired;
    if (
      acc.tokens === tokens &&
      acc.acting === acting &&
      acc.marked === p.markedForPause &&
      acc.idle === idle
    ) {
      return;
    }
    this.addSums(acc.tokens, acc.acting, acc.marked, -1, acc.idle);
    this.addSums(tokens, acting, p.markedForPause, 1, idle);
    acc.tokens = tokens;
    acc.acting = acting;
    acc.marked = p.markedForPause;
    acc.idle = idle;
  }

  /** Adds (sign 1) or removes (sign −1) one program's share of the sums. */
  private addSums(
    tokens: number,
    acting: boolean,
    marked: boolean,
    sign: 1 | -1,
    idle: boolean,
  ): void {
    if (idle) this.idleCount += sign;
    if (acting) {
      this.actingTokens += sign * tokens;
      this.actingCount += sign;
    } else {
      this.reasoningTokens += sign * tokens;
      this.reasoningCount += sign;
    }
    if (marked) {
      this.markedTokens += sign * tokens;
      this.markedCount += sign;
    }
  }
}
