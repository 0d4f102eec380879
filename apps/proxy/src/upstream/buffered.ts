/**
 * A whole upstream answer in one Buffer: the chunks are kept in an array and one promise settles
 * at the end. The path of non-streaming completions (and of a stream's error status).
 * @module
 */
import type { Dispatcher } from "undici";
import type { HangUp } from "./hang-up.js";
import { contentTypeOf, HandlerBase, type Controller, type RawHeaders } from "./handler-base.js";

export interface BufferedResponse {
  statusCode: number;
  /** The upstream's `content-type`, if it sent one. */
  contentType: string | undefined;
  body: Buffer;
}

/** Collects a response's bytes; shared by the buffered and the streaming handler. */
export class BodyCollector {
  #chunks: Buffer[] = [];
  #size = 0;

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
  }

  take(): Buffer {
    const body =
      this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#size);
    this.#chunks = [];
    this.#size = 0;
    return body;
  }
}

class BufferingHandler extends HandlerBase<BufferedResponse> {
  #body = new BodyCollector();
  #status = 0;
  #contentType: string | undefined;

  onResponseStart(_c: Controller, statusCode: number, headers: RawHeaders): void {
    this.#status = statusCode;
    this.#contentType = contentTypeOf(headers);
  }

  onResponseData(_c: Controller, chunk: Buffer): void {
    this.#body.push(chunk);
  }

  onResponseEnd(): void {
    this.succeed({
      statusCode: this.#status,
      contentType: this.#contentType,
      body: this.#body.take(),
    });
  }

  onResponseError(_c: Controller, err: Error): void {
    this.fail(err);
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
    if (handler.settled) return;
    try {
      dispatcher.dispatch(opts, handler);
    } catch (err) {
      handler.abort(err as Error);
    }
  });
}
