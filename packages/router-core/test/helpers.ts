import {
  DEFAULT_ROUTER_OPTIONS,
  emptySnapshot,
  Router,
  type RouterOptions,
  type Usage,
} from "../src/index.js";

export const A = "http://a:8000";
export const B = "http://b:8000";
export const C = "http://c:8000";

export function makeRouter(
  backends: readonly string[],
  capacities: ReadonlyArray<number | null>,
  opts: Partial<RouterOptions> = {},
  now = 0,
): Router {
  const r = new Router({ ...DEFAULT_ROUTER_OPTIONS, ...opts }, backends);
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
