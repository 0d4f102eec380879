/**
 * One circuit breaker per backend. `failures` consecutive failed calls (connection errors, 502/503
 * answers) open it: the backend counts as unhealthy for routing. After `cooldownS` it is half-open:
 * the backend takes traffic again, and the next call decides (a success closes it, a failure opens
 * it for another cool-down). Time is passed in (seconds), so the tests drive it.
 * @module
 */
export type BreakerState = "closed" | "open" | "half-open";

interface Breaker {
  consecutive: number;
  openedAt: number | null;
}

export class CircuitBreakers {
  readonly #breakers = new Map<string, Breaker>();
  opened = 0;

  constructor(
    private readonly failures: number,
    readonly cooldownS: number,
    private readonly now: () => number,
  ) {}

  #get(url: string): Breaker {
    let b = this.#breakers.get(url);
    if (!b) {
      b = { consecutive: 0, openedAt: null };
      this.#breakers.set(url, b);
    }
    return b;
  }

  state(url: string): BreakerState {
    const b = this.#breakers.get(url);
    if (!b || b.openedAt === null) return "closed";
    return this.now() - b.openedAt >= this.cooldownS ? "half-open" : "open";
  }

  /** Whether `url` may take requests (closed or half-open). */
  allows(url: string): boolean {
    return this.state(url) !== "open";
  }

  /** A call succeeded; true when that closed an open or half-open breaker. */
  success(url: string): boolean {
    const b = this.#get(url);
    b.consecutive = 0;
    if (b.openedAt === null) return false;
    b.openedAt = null;
    return true;
  }

  /** A call failed; true when that opened the breaker (or re-opened a half-open one). */
  failure(url: string): boolean {
    const b = this.#get(url);
    b.consecutive++;
    const halfOpen = b.openedAt !== null && this.state(url) === "half-open";
    if (halfOpen || (b.openedAt === null && b.consecutive >= this.failures)) {
      b.openedAt = this.now();
      this.opened++;
      return true;
    }
    return false;
  }
}
