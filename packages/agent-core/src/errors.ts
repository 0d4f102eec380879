/**
 * agent-core's one error base: every error this package throws on purpose is an
 * {@link AgentCoreError} with a literal `code` (and whether retrying may help), so callers tell
 * errors apart by class or code, never by `name` or message text. Subclasses keep their own
 * `name`: the agent records an unexpected error's name as the run's exit status
 * (mini-swe-agent's `type(e).__name__`).
 * @module
 */
import { CodedError } from "@thunderagent/protocol";

export type AgentCoreErrorCode =
  | "invalid_config"
  | "template_syntax"
  | "template_undefined"
  | "context_length_exceeded"
  | "command_timeout"
  | "environment_unavailable"
  | "testbed_failed";

export class AgentCoreError extends CodedError<AgentCoreErrorCode> {
  override readonly name: string = "AgentCoreError";
}

/** A config layer or the merged config is invalid (bad YAML, wrong type, unknown class…). */
export class ConfigError extends AgentCoreError {
  override readonly name: string = "ConfigError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("invalid_config", message, options);
  }
}
