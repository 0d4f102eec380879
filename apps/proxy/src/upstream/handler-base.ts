/**
 * What every upstream dispatch handler shares: the undici controller, the client's hang-up (it
 * aborts the upstream request at once), an optional total timeout (`--upstream-timeout`, answered
 * 504 by the caller), and settling exactly once. The handlers talk to undici's dispatch API
 * directly: `Pool.request` wraps every answer in a Readable stream and a body mixin, and that
 * machinery was a measurable share of the proxy's CPU per request (docs/results/proxy.md).
 * @module
 */
import type { Dispatcher } from "undici";
import type { HangUp } from "./hang-up.js";

/** The error an expired `--upstream-timeout` aborts with (the caller answers 504). */
export class UpstreamTimeoutError extends Error {
  override readonly name = "UpstreamTimeoutError";
}

export type Controller = Parameters<NonNullable<Dispatcher.DispatchHandler["onRequestStart"]>>[0];
export type RawHeaders = Record<string, string | string[] | undefined>;

export abstract class HandlerBase<T> implements Dispatcher.DispatchHandler {
  protected controller: Controller | null = null;
  #timer: NodeJS.Timeout | undefined;
  #settled = false;
  readonly #onHangUp = (): void => this.abort(this.signal?.reason ?? new Error("aborted"));

  constructor(
    private readonly resolve: (value: T) => void,
    private readonly reject: (err: Error) => void,
    private readonly signal: HangUp | undefined,
    timeoutMs: number | null,
  ) {
    if (signal?.aborted) {
      this.#settled = true;
      reject(signal.reason ?? new Error("aborted"));
      return;
    }
    signal?.once("abort", this.#onHangUp);
    if (timeoutMs !== null) {
      this.#timer = setTimeout(
        () => this.abort(new UpstreamTimeoutError(`no complete answer after ${timeoutMs} ms`)),
        timeoutMs,
      );
    }
  }

  /** Settled before it was dispatched (the client had already hung up). */
  get settled(): boolean {
    return this.#settled;
  }

  abort(err: Error): void {
    if (this.controller) this.controller.abort(err);
    else this.fail(err);
  }

  protected succeed(value: T): void {
    if (this.#release()) this.resolve(value);
  }

  protected fail(err: Error): void {
    if (this.#release()) this.reject(err);
  }

  #release(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.signal?.off("abort", this.#onHangUp);
    return true;
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    if (this.#settled) controller.abort(this.signal?.reason ?? new Error("aborted"));
  }

  abstract onResponseStart(controller: Controller, statusCode: number, headers: RawHeaders): void;
  abstract onResponseData(controller: Controller, chunk: Buffer): void;
  abstract onResponseEnd(): void;
  abstract onResponseError(controller: Controller, err: Error): void;
}

/** The content type of a response, when it sent exactly one. */
export function contentTypeOf(headers: RawHeaders): string | undefined {
  const type = headers["content-type"];
  return typeof type === "string" ? type : undefined;
}
