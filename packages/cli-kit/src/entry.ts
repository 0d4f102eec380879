/**
 * What every entry point (`main.ts`) does around its own work: the command line read into options
 * or into an exit code ({@link optionsOrExitCode}: `--help`/`--version` printed, 0; a usage error's
 * one line, 2), and the process ended with the code its main returns or 1 when it throws
 * ({@link exitWhenDone}).
 * @module
 */
import { isCliText, type CliText } from "./parse.js";
import { reportUsageError } from "./usage-error.js";

export interface OptionsOrExitCodeOptions {
  /**
   * Reports what `read` threw: the exit code, or undefined to rethrow it. Default: cli-kit's
   * `UsageError` as one line on stderr, 2 (`reportUsageError`).
   */
  readonly report?: (err: unknown) => number | undefined;
  /** Where the `--help`/`--version` text goes (default process.stdout). */
  readonly stdout?: (text: string) => void;
  /** Where the default report writes (default process.stderr). */
  readonly stderr?: (text: string) => void;
}

/**
 * `read()` (the app's command line, and whatever else must hold before anything starts): its
 * options; or, for `--help`/`--version`, the text written to stdout and 0; or, for a usage error,
 * its line written and 2. Any other error is rethrown.
 */
export async function optionsOrExitCode<R extends object>(
  name: string,
  read: () => R | Promise<R>,
  opts: OptionsOrExitCodeOptions = {},
): Promise<Exclude<R, CliText> | number> {
  const stdout = opts.stdout ?? ((t: string) => void process.stdout.write(t));
  const stderr = opts.stderr ?? ((t: string) => void process.stderr.write(t));
  const report = opts.report ?? ((err: unknown) => reportUsageError(name, err, stderr));
  try {
    const result = await read();
    if (!isCliText(result)) return result as Exclude<R, CliText>;
    stdout(result.text);
    return 0;
  } catch (err) {
    const code = report(err);
    if (code !== undefined) return code;
    throw err;
  }
}

export interface ExitWhenDoneOptions {
  /** The crash line's text after `<name>: ` (default the error's stack). */
  readonly describe?: (err: unknown) => string;
  /** Default process.stderr. */
  readonly stderr?: (text: string) => void;
  /** Default process.exit. */
  readonly exit?: (code: number) => void;
}

const stackOf = (err: unknown): string => (err as Error | undefined)?.stack ?? String(err);

/**
 * Ends the process when `main` settles: with the code it returns (undefined: the process goes on,
 * as a server does until a signal), or, when it throws, with 1 after `<name>: <describe(err)>`.
 */
export async function exitWhenDone(
  name: string,
  main: Promise<number | undefined>,
  opts: ExitWhenDoneOptions = {},
): Promise<void> {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let code: number | undefined;
  try {
    code = await main;
  } catch (err) {
    const stderr = opts.stderr ?? ((t: string) => void process.stderr.write(t));
    stderr(`${name}: ${(opts.describe ?? stackOf)(err)}\n`);
    exit(1);
    return;
  }
  if (code !== undefined) exit(code);
}
