/**
 * What every app's command line module repeated: its definition with `--version` read from the
 * app's own package.json ({@link defineCli}), and argv parsed then validated by the app's zod
 * schema, or the `--help`/`--version` text ({@link parseAndValidate}).
 * @module
 */
import type { z } from "zod";
import { parseCommandLine, type CliText, type ParseContext } from "./parse.js";
import type { CliDefinition } from "./spec.js";
import { validate } from "./validate.js";
import { packageVersion } from "./version.js";

/**
 * A {@link CliDefinition} whose `--version` is the version of the package `moduleUrl` belongs to
 * (pass `import.meta.url`), read when it is asked for.
 */
export function defineCli(moduleUrl: string, def: Omit<CliDefinition, "version">): CliDefinition {
  return {
    ...def,
    get version() {
      return packageVersion(moduleUrl);
    },
  };
}

/**
 * argv (without node and the script) parsed against `def` and validated with `schema`: the
 * schema's output, or the `--help`/`--version` text; throws cli-kit's `UsageError` naming the flag.
 */
export function parseAndValidate<S extends z.ZodType>(
  def: CliDefinition,
  schema: S,
  argv: readonly string[],
  ctx: ParseContext = {},
): z.output<S> | CliText {
  const parsed = parseCommandLine(def, argv, ctx);
  if (parsed.kind !== "run") return parsed;
  return validate(def, schema, parsed);
}
