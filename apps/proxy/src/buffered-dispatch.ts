/**
 * A whole upstream answer in one Buffer, read through undici's dispatch API: the handler keeps the
 * body's chunks in an array and settles one promise at the end. `Pool.request` wraps every answer
 * in a Readable stream and a body mixin; for a non-streaming completion that is read whole anyway,
 * that machinery was a measurable share of the proxy's CPU per request (docs/results/proxy.md).
 * @module
 */
import type { Dispatcher } from "undici";
import type { HangUp } from "./hang-up.js";

export interface BufferedResponse {
  statusCode: number;
  /** The upstream's `content-type`, if it sent one. */
  contentType: string | undefined;
  body: Buffer;
}

/** The error an expired `--upstream-timeout` aborts with (the caller answers 504). */
export class UpstreamTimeoutError extends Error {
  override name = "TimeoutError";
}

type Controller = Parameters<NonNullable<Dispatcher.DispatchHandler["onRequestStart"]>>[0];

class BufferingHandler implements Dispatcher.DispatchHandler {
  #controller: Controller | null = null;
  #chunks: Buffer[] = [];
  #size = 0;
  #status = 0;
  #contentType: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #done = false;
  readonly #onHangUp = (): void => this.#abort(this.signal?.reason ?? new Error("aborted"));

  constructor(
    private readonly resolve: (r: BufferedResponse) => void,
    private readonly reject: (err: Error) => void,
    private readonly signal: HangUp | undefined,
    timeoutMs: number | null,
  ) {
    if (signal) {
      if (signal.aborted) this.#done = true;
      else signal.once("abort", this.#onHangUp);
    }
    if (timeoutMs !== null) {
      this.#timer = setTimeout(
        () => this.#abort(new UpstreamTimeoutError(`no complete answer after ${timeoutMs} ms`)),
        timeoutMs,
      );
    }
  }

  /** Settled already (the signal had fired before dispatch). */
  get settledEarly(): boolean {
    return this.#done;
  }

  #abort(err: Error): void {
    if (this.#controller) this.#controller.abort(err);
    else this.#finish(err);
  }

  #finish(err: Error | null): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    this.signal?.off("abort", this.#onHangUp);
    if (err) this.reject(err);
    else {
      const body =
        this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#size);
      this.resolve({ statusCode: this.#status, contentType: this.#contentType, body });
    }
  }

  onRequestStart(controller: Controller): void {
    this.#controller = controller;
    if (this.#done) controller.abort(this.signal?.reason ?? new Error("aborted"));
  }

  onResponseStart(
    _controller: Controller,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.#status = statusCode;
    const type = headers["content-type"];
    this.#contentType = typeof type === "string" ? type : undefined;
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
  }

  onResponseEnd(): void {
    this.#finish(null);
  }

  onResponseError(_controller: Controller, err: Error): void {
    this.#finish(err);
  }
}

/**
 * Sends one request through `dispatcher` and resolves with the whole answer, whatever its status.
 * Rejects when the connection fails, `signal` fires (the client hung up) or `timeoutMs` passes.
 */
export function dispatchBuffered(
  dispatcher: Dispatcher,
  opts: Dispatcher.DispatchOptions,
  signal: HangUp | undefined,
  timeoutMs: number | null,
): Promise<BufferedResponse> {
  return new Promise<BufferedResponse>((resolve, reject) => {
    const handler = new BufferingHandler(resolve, reject, signal, timeoutMs);
    if (handler.settledEarly) {
      reject(signal?.reason ?? new Error("aborted"));
      return;
    }
    try {
      dispatcher.dispatch(opts, handler);
    } catch (err) {
      reject(err as Error);
    }
  });
}
