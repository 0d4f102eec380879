/**
 * An upstream answer relayed as it arrives: a 200's bytes go to a {@link StreamSink} the moment
 * undici parses them (no Readable, no async iterator, one call per chunk), with back-pressure:
 * when the sink says the client is not keeping up, the upstream socket is paused until
 * `resume()`. Any other status is collected whole and handed back, so the caller can pass the
 * engine's error through unchanged.
 * @module
 */
import type { Dispatcher } from "undici";
import type { HangUp } from "./hang-up.js";
import { BodyCollector, type BufferedResponse } from "./buffered.js";
import { contentTypeOf, HandlerBase, type Controller, type RawHeaders } from "./handler-base.js";

export interface StreamSink {
  /** The upstream answered 200; `data` calls follow. */
  start(contentType: string | undefined): void;
  /** Bytes of the 200 answer; false when the client cannot take more now (call resume later). */
  data(chunk: Buffer): boolean;
}

export type StreamOutcome =
  /** The upstream answered another status: its whole body, for the client unchanged. */
  | ({ kind: "status" } & BufferedResponse)
  /** The 200 answer ended normally. */
  | { kind: "ended" }
  /** The 200 answer broke after it started (connection lost, hang-up, timeout). */
  | { kind: "broken"; error: Error };

export interface StreamHandle {
  /** Settles with the outcome; rejects only when the request failed before any answer. */
  done: Promise<StreamOutcome>;
  /** The client drained: let upstream bytes flow again. */
  resume(): void;
}

class StreamingHandler extends HandlerBase<StreamOutcome> {
  #started = false;
  #paused = false;
  #status = 0;
  #contentType: string | undefined;
  #errorBody: BodyCollector | null = null;

  constructor(
    private readonly sink: StreamSink,
    resolve: (o: StreamOutcome) => void,
    reject: (err: Error) => void,
    signal: HangUp | undefined,
    timeoutMs: number | null,
  ) {
    super(resolve, reject, signal, timeoutMs);
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.controller?.resume();
  }

  onResponseStart(_c: Controller, statusCode: number, headers: RawHeaders): void {
    this.#status = statusCode;
    this.#contentType = contentTypeOf(headers);
    if (statusCode === 200) {
      this.#started = true;
      this.sink.start(this.#contentType);
    } else {
      this.#errorBody = new BodyCollector();
    }
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.#errorBody) {
      this.#errorBody.push(chunk);
      return;
    }
    if (!this.sink.data(chunk) && !this.#paused) {
      this.#paused = true;
      controller.pause();
    }
  }

  onResponseEnd(): void {
    if (this.#errorBody) {
      this.succeed({
        kind: "status",
        statusCode: this.#status,
        contentType: this.#contentType,
        body: this.#errorBody.take(),
      });
    } else {
      this.succeed({ kind: "ended" });
    }
  }

  onResponseError(_c: Controller, err: Error): void {
    if (this.#started) this.succeed({ kind: "broken", error: err });
    else this.fail(err);
  }
}

/** Sends one request through `dispatcher`, relaying a 200's bytes to `sink` as they arrive. */
export function dispatchStream(
  dispatcher: Dispatcher,
  opts: Dispatcher.DispatchOptions,
  sink: StreamSink,
  signal: HangUp | undefined,
  timeoutMs: number | null,
): StreamHandle {
  let handler: StreamingHandler | undefined;
  const done = new Promise<StreamOutcome>((resolve, reject) => {
    handler = new StreamingHandler(sink, resolve, reject, signal, timeoutMs);
    if (handler.settled) return;
    try {
      dispatcher.dispatch(opts, handler);
    } catch (err) {
      handler.abort(err as Error);
    }
  });
  return { done, resume: () => handler?.resume() };
}
