/**
 * The health of one Docker host as the runner's pings see it, as a pure state machine (time and
 * ping results passed in; the pings and timers are host-health-monitor.ts):
 *
 *   healthy --unanswered--> suspect --`fail_after` unanswered in a row--> drained
 *   suspect --answered--> healthy
 *   drained --`recover_after` answered in a row--> healthy   (never when `recover_after` is 0)
 *
 * With `fail_after` 1 the first unanswered ping drains. A host taken out by something else (a
 * container operation that failed on it) is drained here too (`drainedElsewhere`), so that it
 * comes back by the same rule.
 * @module
 */

export type HealthPhase = "healthy" | "suspect" | "drained";

export interface HostHealth {
  readonly phase: HealthPhase;
  /** Unanswered pings in a row (healthy, suspect). */
  readonly failures: number;
  /** Answered pings in a row (drained). */
  readonly answers: number;
  /** When it entered this phase (s); for suspect, the first unanswered ping. */
  readonly since: number;
  /** The last unanswered ping's error. */
  readonly lastError?: string;
}

export type PingResult = { ok: true } | { ok: false; error: string };

export interface HealthRules {
  /** Unanswered pings in a row that drain the host (>= 1). */
  failAfter: number;
  /** Answered pings in a row that bring a drained host back (0 = never). */
  recoverAfter: number;
}

/** What a ping changed, for the shell to act on (drain, bring back) and say. */
export type HealthChange =
  | { kind: "suspect"; error: string; failures: number }
  | { kind: "cleared"; afterS: number }
  | { kind: "drain"; why: string }
  | { kind: "recover"; outS: number }
  | null;

export function healthy(at: number): HostHealth {
  return { phase: "healthy", failures: 0, answers: 0, since: at };
}

/** The state after one ping at time `at` (s), and what changed. */
export function afterPing(
  state: HostHealth,
  ping: PingResult,
  at: number,
  rules: HealthRules,
): { state: HostHealth; change: HealthChange } {
  if (state.phase === "drained") {
    if (!ping.ok) return { state: { ...state, answers: 0, lastError: ping.error }, change: null };
    const answers = state.answers + 1;
    if (rules.recoverAfter > 0 && answers >= rules.recoverAfter) {
      return { state: healthy(at), change: { kind: "recover", outS: at - state.since } };
    }
    return { state: { ...state, answers }, change: null };
  }
  if (ping.ok) {
    if (state.phase === "healthy") return { state, change: null };
    return { state: healthy(at), change: { kind: "cleared", afterS: at - state.since } };
  }
  const failures = state.failures + 1;
  const since = state.phase === "suspect" ? state.since : at;
  if (failures >= rules.failAfter) {
    const over = failures > 1 ? ` over ${(at - since).toFixed(1)} s` : "";
    const why = `no answer to ${failures} health ping${failures > 1 ? "s" : ""} in a row${over} (${ping.error})`;
    return {
      state: { phase: "drained", failures: 0, answers: 0, since: at, lastError: ping.error },
      change: { kind: "drain", why },
    };
  }
  return {
    state: { phase: "suspect", failures, answers: 0, since, lastError: ping.error },
    change: { kind: "suspect", error: ping.error, failures },
  };
}

/** The host was taken out by something other than the pings (a failed container operation). */
export function drainedElsewhere(state: HostHealth, at: number): HostHealth {
  if (state.phase === "drained") return state;
  return { phase: "drained", failures: 0, answers: 0, since: at };
}
