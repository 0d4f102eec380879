/**
 * The shape of every package's error base: a literal `code` from the package's own union, whether
 * retrying may help, and an optional `cause`. Each package subclasses it once with its own `name`
 * and code union (`AgentCoreError`, `EngineSimError`, `RouterCoreError`, …), so callers tell
 * errors apart by class or code, never by `name` or message text.
 * @module
 */

export class CodedError<Code extends string> extends Error {
  override readonly name: string = "CodedError";
  /** Whether the same call may succeed if tried again (a server that was slow to start, say). */
  readonly retryable: boolean;
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options?.retryable ?? false;
  }
}
