import {
  emptySnapshot,
  ORIGINAL_THUNDERAGENT_OPTIONS,
  Router,
  type RouterOptions,
  type Usage,
} from "../src/index.js";

export const A = "http://a:8000";
export const B = "http://b:8000";
export const C = "http://c:8000";

/**
 * The options most scenarios here are written in: the original's 100-token buffer, with the
 * prefix-sharing credit always applied and marks stopping once a backend fits, so both mechanisms
 * can be exercised. The original itself never applies the credit and marks every reasoning
 * program (ORIGINAL_THUNDERAGENT_OPTIONS); pause-policy.test.ts covers that and the defaults.
 */
export const SCENARIO_OPTIONS: Readonly<RouterOptions> = Object.freeze({
  ...ORIGINAL_THUNDERAGENT_OPTIONS,
  sharedCredit: "always",
  markReasoning: "until-fits",
  // The original's observable quirks (capacity read once, its future_paused_tokens counter, where
  // released and forced requests go, restore order, decay arithmetic, pause ties, unknown
  // capacity) are covered by original-quirks.test.ts and the conformance
  // replay; the scenarios here change capacities by snapshot and read the exact sums.
  capacityFrom: "every-scrape",
  futurePausedTokens: "marked-sum",
  releasedRequestsTo: "least-loaded",
  forceResumeTo: "least-loaded",
  restoreOrder: "current",
  actingDecay: "weighted",
  pauseTies: "registration",
  unknownCapacity: "unbounded",
});

/** A router over `backends` with the given capacities, from {@link SCENARIO_OPTIONS}. */
export function makeRouter(
  backends: readonly string[],
  capacities: ReadonlyArray<number | null>,
  opts: Partial<RouterOptions> = {},
  now = 0,
): Router {
  const r = new Router({ ...SCENARIO_OPTIONS, ...opts }, backends);
  backends.forEach((url, i) => {
    const cap = capacities[i];
    if (cap !== undefined && cap !== null) r.updateBackend(url, emptySnapshot(cap), now);
  });
  return r;
}

export function usage(
  totalTokens: number,
  promptTokens = totalTokens,
  cachedTokens: number | null = null,
): Usage {
  return { promptTokens, completionTokens: totalTokens - promptTokens, totalTokens, cachedTokens };
}

let seq = 0;
export function nextId(prefix = "r"): string {
  seq++;
  return `${prefix}${seq}`;
}

/**
 * One full step of program `pid` that starts with `chars` payload characters and ends with
 * `total` tokens; returns the backend it ran on. Throws if the request had to wait.
 */
export function step(r: Router, pid: string, chars: number, total: number, now: number): string {
  const id = nextId();
  const d = r.arrive({ requestId: id, programId: pid, payloadChars: chars }, now);
  if (d.kind !== "forward") throw new Error(`${pid} had to wait`);
  r.forwarded(id, now);
  r.complete(id, usage(total), now);
  return d.backend;
}

/**
 * A step whose prompt is exactly `tokens` tokens at 5 chars/token, so the ratio stays 5.0: the
 * program ends acting with `tokens` tokens.
 */
export function actStep(r: Router, pid: string, tokens: number, now: number): string {
  return step(r, pid, tokens * 5, tokens, now);
}

/** Starts a request of `tokens`·5 chars (estimate `tokens` at ratio 5.0); returns its id. */
export function startRequest(r: Router, pid: string, tokens: number, now: number, id = nextId()) {
  const decision = r.arrive({ requestId: id, programId: pid, payloadChars: tokens * 5 }, now);
  return { id, decision };
}
