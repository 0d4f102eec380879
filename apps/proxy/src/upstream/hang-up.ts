/**
 * A client's hang-up as a signal: what the chat route waits on and what the upstream dispatch
 * handlers listen to (they abort the upstream request when it fires). An EventEmitter with
 * `aborted` costs far less per request than an AbortController and its EventTarget.
 * @module
 */
import { EventEmitter } from "node:events";

/** What an upstream request is aborted with when its client hangs up. */
export class ClientHangUpError extends Error {
  override readonly name = "ClientHangUpError";
  constructor() {
    super("the client closed the connection");
  }
}

export class HangUp extends EventEmitter {
  aborted = false;
  reason: ClientHangUpError | undefined;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new ClientHangUpError();
    this.emit("abort");
  }
}
