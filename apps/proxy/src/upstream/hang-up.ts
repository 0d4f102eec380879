/**
 * A client's hang-up as a signal: what the chat route waits on and what the upstream dispatch
 * handlers listen to (they abort the upstream request when it fires). An EventEmitter with
 * `aborted` costs far less per request than an AbortController and its EventTarget.
 * @module
 */
import { EventEmitter } from "node:events";

export class HangUp extends EventEmitter {
  aborted = false;
  reason: Error | undefined;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new Error("the client closed the connection");
    this.reason.name = "AbortError";
    this.emit("abort");
  }
}
