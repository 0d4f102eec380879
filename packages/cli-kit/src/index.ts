/**
 * `@thunderagent/cli-kit`: the command-line layer every app shares. An app declares its options
 * once (a {@link CliDefinition}); {@link parseCommandLine} parses argv and the environment with
 * commander (argparse-style prefixes when asked, did-you-mean for unknown options, `--help` and
 * `--version` that run nothing), {@link validate} runs the app's zod schema and words its issues
 * as one plain line, and {@link resolveFromCaller} puts relative paths in the caller's directory.
 * {@link defineCli} and {@link parseAndValidate} are an app's command line module in two calls;
 * {@link optionsOrExitCode} and {@link exitWhenDone} are what every `main.ts` does around its work.
 * {@link installShutdown} is how every app ends on a signal (drain deadline, second signal, the
 * launcher's stop requests, stdout/stderr that cannot throw or block).
 * @module
 */
export { expandAbbreviations } from "./abbreviations.js";
export type { OptionShape } from "./abbreviations.js";
export { flagBool } from "./bool.js";
export { callerCwd, resolveFromCaller } from "./caller-cwd.js";
export type { Env } from "./caller-cwd.js";
export { helpText, optionShape } from "./command.js";
export { defineCli, parseAndValidate } from "./define.js";
export { exitWhenDone, optionsOrExitCode } from "./entry.js";
export type { ExitWhenDoneOptions, OptionsOrExitCodeOptions } from "./entry.js";
export { describeIssues, issuePhrase } from "./issues.js";
export type { IssueContext } from "./issues.js";
export { isCliText, parseCommandLine } from "./parse.js";
export type { CliText, ParseContext, ParsedArgs, ParsedCommandLine, RawValue } from "./parse.js";
export { camelCase, envVarName, optionEnv, optionKey } from "./spec.js";
export type { ArgSpec, CliDefinition, OptionSpec } from "./spec.js";
export {
  LAUNCHER_MESSAGE,
  guardStdio,
  installShutdown,
  nodeHost,
  safeStdout,
  safeWrite,
  signalExitCode,
} from "./shutdown.js";
export type {
  Shutdown,
  ShutdownHost,
  ShutdownOptions,
  StopRequest,
  StopSignal,
} from "./shutdown.js";
export { USAGE_EXIT_CODE, UsageError, reportUsageError, usageLine } from "./usage-error.js";
export { validate } from "./validate.js";
export { packageVersion } from "./version.js";
