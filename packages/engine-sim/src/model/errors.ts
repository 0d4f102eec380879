/**
 * engine-sim's one error base: every error it throws on purpose for a domain failure is an
 * {@link EngineSimError} with a literal `code`, so callers tell errors apart by class or code,
 * never by `name` or message text. The HTTP errors the server answers with (`VllmHttpError`)
 * derive from it; invalid numbers (a config value, an impossible prompt) stay `RangeError`s. It
 * lives in the model, the package's pure bottom layer, so that every part can import it.
 * @module
 */

export type EngineSimErrorCode =
  /** A request id that is already in the engine. */
  | "duplicate_request"
  /** A request submitted to a driver that was closed. */
  | "driver_closed"
  /** A Fastify app that buildEngineServer did not build. */
  | "not_engine_sim_server"
  /** An error the simulated vLLM answers over HTTP (its status and OpenAI envelope). */
  | "http_error";

export class EngineSimError extends Error {
  override readonly name: string = "EngineSimError";
  constructor(
    readonly code: EngineSimErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
