/**
 * engine-sim's one error base: every error it throws on purpose for a domain failure is an
 * {@link EngineSimError} with a literal `code`, so callers tell errors apart by class or code,
 * never by `name` or message text. The HTTP errors the server answers with (`VllmHttpError`)
 * derive from it; invalid numbers (a config value, an impossible prompt) stay `RangeError`s. It
 * lives in the model, the package's pure bottom layer, so that every part can import it.
 * @module
 */
import { CodedError } from "@thunderagent/protocol";

export type EngineSimErrorCode =
  /** A request id that is already in the engine. */
  | "duplicate_request"
  /** A request submitted to a driver that was closed. */
  | "driver_closed"
  /** A Fastify app that buildEngineServer did not build. */
  | "not_engine_sim_server"
  /** An error the simulated vLLM answers over HTTP (its status and OpenAI envelope). */
  | "http_error"
  /** A server started as a child process exited before it answered `/health`. */
  | "child_exited"
  /** A server started as a child process did not answer `/health` in time. */
  | "health_timeout";

export class EngineSimError extends CodedError<EngineSimErrorCode> {
  override readonly name: string = "EngineSimError";
}
