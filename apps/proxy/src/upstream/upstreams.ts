/**
 * Upstream HTTP: one undici keep-alive `Pool` per backend (no per-request connection set-up),
 * connect timeout 10 s; generations get `--first-byte-timeout` (600 s) until the answer's headers
 * and `--stream-idle-timeout` (120 s) between two chunks, and a total `--upstream-timeout` only
 * when set (a long decode is not an error).
 * @module
 */
import { Pool, type Dispatcher } from "undici";
import { dispatchBuffered, type BufferedResponse } from "./buffered.js";
import { dispatchStream, type StreamHandle, type StreamSink } from "./streaming.js";
import type { ProxyConfig } from "../config.js";
import type { HangUp } from "./hang-up.js";

export interface UpstreamRequest {
  method: "GET" | "POST";
  path: string;
  body?: string;
  headers?: Record<string, string>;
  signal?: HangUp;
  /** Overrides the generation timeout (seconds) for small control calls such as /metrics. */
  timeoutS?: number;
}

export class Upstreams {
  readonly #pools = new Map<string, Pool>();
  readonly #authHeader: string | null;
  readonly #timeoutMs: number | null;
  readonly #firstByteMs: number;
  readonly #idleMs: number;
  #closed = false;

  constructor(
    backends: readonly string[],
    config: Pick<
      ProxyConfig,
      | "connectTimeout"
      | "upstreamTimeout"
      | "backendApiKey"
      | "firstByteTimeout"
      | "streamIdleTimeout"
    >,
  ) {
    this.#authHeader = config.backendApiKey ? `Bearer ${config.backendApiKey}` : null;
    this.#timeoutMs = config.upstreamTimeout === null ? null : config.upstreamTimeout * 1000;
    this.#firstByteMs = config.firstByteTimeout * 1000;
    this.#idleMs = config.streamIdleTimeout * 1000;
    for (const url of backends) {
      this.#pools.set(
        url,
        new Pool(url, {
          connect: { timeout: config.connectTimeout * 1000 },
          headersTimeout: 0,
          bodyTimeout: 0,
          keepAliveTimeout: 30_000,
          pipelining: 1,
        }),
      );
    }
  }

  get backendApiKeySet(): boolean {
    return this.#authHeader !== null;
  }

  /**
   * Sends one request to `backend` and resolves with its whole answer, whatever its status.
   * Rejects on connection failure (the caller answers 502), on `--upstream-timeout` (504) and when
   * the client hangs up. Non-streaming completions, /v1/models, health checks and scrapes.
   */
  request(backend: string, req: UpstreamRequest): Promise<BufferedResponse> {
    const d = this.#dispatchArgs(backend, req);
    if (d instanceof Error) return Promise.reject(d);
    return dispatchBuffered(d.pool, d.opts, req.signal, d.timeoutMs);
  }

  /** Sends one request to `backend` and relays a 200's bytes to `sink` as they arrive. */
  stream(backend: string, req: UpstreamRequest, sink: StreamSink): StreamHandle {
    const d = this.#dispatchArgs(backend, req);
    if (d instanceof Error) return { done: Promise.reject(d), resume: () => {} };
    return dispatchStream(d.pool, d.opts, sink, req.signal, d.timeoutMs);
  }

  #dispatchArgs(
    backend: string,
    req: UpstreamRequest,
  ): Error | { pool: Pool; opts: Dispatcher.DispatchOptions; timeoutMs: number | null } {
    const pool = this.#pools.get(backend);
    if (!pool || this.#closed) return new Error(`unknown backend ${backend}`);
    const headers: Record<string, string> = { ...req.headers };
    if (this.#authHeader) headers["authorization"] = this.#authHeader;
    if (req.body !== undefined) headers["content-type"] = "application/json";
    // Generations: --first-byte-timeout until the headers, --stream-idle-timeout between chunks
    // (undici's; 0 = none). Control calls have their own total timeout.
    const timeouts =
      req.timeoutS === undefined
        ? { headersTimeout: this.#firstByteMs, bodyTimeout: this.#idleMs }
        : {};
    return {
      pool,
      opts: { method: req.method, path: req.path, headers, body: req.body ?? null, ...timeouts },
      timeoutMs: req.timeoutS !== undefined ? req.timeoutS * 1000 : this.#timeoutMs,
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#pools.values()].map((p) => p.close().catch(() => p.destroy())));
  }

  async destroy(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#pools.values()].map((p) => p.destroy()));
  }
}
