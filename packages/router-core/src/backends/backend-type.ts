/**
 * What router-core knows about one kind of inference backend (vLLM, SGLang, SkyRL…), as data and
 * pure functions: which paths to fetch, how to turn the bodies into a `BackendSnapshot`, where its
 * capacity comes from, and which counter counts the calls it served. The caller does the fetching
 * (the proxy's backend monitor, reproduce's engine meter); nothing here does I/O.
 * @module
 */
import { RouterCoreError } from "../errors.js";
import type { BackendSnapshot } from "../types.js";

/** One path the caller fetches per scrape, relative to the backend's root URL. */
export interface BackendFetch {
  readonly path: string;
  /** A failed required fetch fails the scrape; a failed optional one is passed as null. */
  readonly required: boolean;
}

/** The response bodies of one scrape, keyed by path (null: an optional fetch that failed). */
export type FetchedBodies = Readonly<Record<string, string | null>>;

/** The engine's own cumulative counters, as reproduce's engine meter reads them. */
export interface ServedCounters {
  /** Calls served (aborted ones excluded). */
  readonly completed: number;
  readonly prefixQueries: number;
  readonly prefixHits: number;
}

export interface BackendType {
  /** One line for `--help` and the docs. */
  readonly summary: string;
  /** What to fetch per scrape, in order. */
  readonly fetch: readonly BackendFetch[];
  /** The fetched bodies → a snapshot. May throw on a malformed body (the scrape then fails). */
  parse(bodies: FetchedBodies): BackendSnapshot;
  /** Where `capacityTokens` comes from, in words (docs and `--help`). */
  readonly capacity: string;
  /** The counter of served calls: fetched from `path`, read by `read`. */
  readonly servedCalls: {
    readonly path: string;
    /** The counter's name as reports cite it, e.g. `vllm:request_success_total`. */
    readonly counter: string;
    read(body: string): ServedCounters;
  };
  /**
   * A small sample scrape (bodies by path) with what it must parse to: documents the wire format
   * and lets the registry test check the record works.
   */
  readonly example: {
    readonly bodies: FetchedBodies;
    readonly capacityTokens: number;
    readonly served: ServedCounters;
  };
}

/** The body of a required fetch (the caller guarantees it is there). */
export function requiredBody(bodies: FetchedBodies, path: string): string {
  const body = bodies[path];
  if (typeof body !== "string") throw new RouterCoreError("missing_body", `no body for ${path}`);
  return body;
}
