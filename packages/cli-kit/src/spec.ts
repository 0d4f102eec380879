/**
 * How an app declares its command line: one table of options (the same table drives parsing,
 * environment variables, path resolution, `--help` and the error lines), plus positionals.
 * @module
 */

export interface OptionSpec {
  /** The value's placeholder in `--help` (`N`, `URL`); absent = a flag without a value. */
  readonly value?: string;
  readonly help: string;
  /** One-letter alias (`w` → `-w`). */
  readonly short?: string;
  /** Key of the parsed value (default: the flag in camelCase; for `no-x`, `x`). */
  readonly key?: string;
  /** Repeatable: every occurrence is kept, in order (an array). */
  readonly repeat?: boolean;
  /** Takes every following non-option argument too (`--served-model-name a b`, argparse's nargs="+"). */
  readonly variadic?: boolean;
  /** A file or directory: a relative value is resolved against the caller's directory. */
  readonly path?: boolean;
  /**
   * The environment variable read when the flag is not given (default `<envPrefix>_<FLAG>` when the
   * definition has an `envPrefix`; `false` for none). A flag always wins over its variable.
   */
  readonly env?: string | false;
  /** The heading this option is listed under in `--help` (default "Options:"). */
  readonly group?: string;
  /** What a valid value is, for error lines: `an integer 0–65535` → `--port must be an integer 0–65535, got "x"`. */
  readonly expect?: string;
}

export interface ArgSpec {
  readonly name: string;
  readonly help: string;
  /** Default true. */
  readonly required?: boolean;
}

export interface CliDefinition {
  /** The program's name, at the start of every error line and in `--help`. */
  readonly name: string;
  readonly summary: string;
  /** The usage line after the name (default: commander's, `[options] <arg>`). */
  readonly usage?: string;
  /** What `--version` prints (the package's version: `packageVersion(import.meta.url)`). */
  readonly version: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly args?: readonly ArgSpec[];
  /** Every option gets the variable `<envPrefix>_<FLAG>` (e.g. `THUNDERAGENT_PORT`) unless it says `env: false`. */
  readonly envPrefix?: string;
  /** Unique prefixes of long options are accepted, as Python's argparse does (`--metrics-int 2`). */
  readonly abbreviations?: boolean;
  /** Text after the options in `--help`. */
  readonly epilog?: string;
}

/** `metrics-interval` → `metricsInterval`. */
export function camelCase(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The key an option's value is stored under. */
export function optionKey(flag: string, spec: OptionSpec): string {
  if (spec.key !== undefined) return spec.key;
  return camelCase(flag.startsWith("no-") ? flag.slice(3) : flag);
}

/** `backend-api-key` with prefix `THUNDERAGENT` → `THUNDERAGENT_BACKEND_API_KEY`. */
export function envVarName(prefix: string, flag: string): string {
  return `${prefix}_${flag.toUpperCase().replaceAll("-", "_")}`;
}

/** The variable an option reads, if any. */
export function optionEnv(def: CliDefinition, flag: string, spec: OptionSpec): string | null {
  if (spec.env === false) return null;
  if (typeof spec.env === "string") return spec.env;
  return def.envPrefix !== undefined ? envVarName(def.envPrefix, flag) : null;
}
