/**
 * router-core's one error base: every error it throws on purpose is a {@link RouterCoreError}
 * with a literal `code`, so callers tell errors apart by class or code, never by `name` or message
 * text. Pure like the rest of the package (nothing here does I/O, so nothing is retryable).
 * @module
 */
import { CodedError } from "@thunderagent/protocol";

export type RouterCoreErrorCode =
  /** A Router built without backends. */
  | "no_backends"
  /** A program placed on a backend URL the router does not have. */
  | "unknown_backend"
  /** A program attached to a backend twice (a bookkeeping bug). */
  | "already_attached"
  /** A router mode that is not registered (a caller without the types). */
  | "unknown_mode"
  /** A required body missing from a backend type's fetched bodies. */
  | "missing_body"
  /** A request id that is already in flight or waiting. */
  | "duplicate_request";

export class RouterCoreError extends CodedError<RouterCoreErrorCode> {
  override readonly name: string = "RouterCoreError";
}
