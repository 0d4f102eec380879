/**
 * The app's zod schema over the parsed values: the output, or a {@link UsageError} whose message
 * names the flag in plain words.
 * @module
 */
import type { z } from "zod";
import { describeIssues } from "./issues.js";
import type { ParsedArgs } from "./parse.js";
import type { CliDefinition } from "./spec.js";
import { UsageError } from "./usage-error.js";

/**
 * Validates `input` (by default the parsed values and positionals) with `schema`; throws a
 * {@link UsageError} such as `--port must be an integer 0–65535, got "abc"`.
 */
export function validate<S extends z.ZodType>(
  def: Pick<CliDefinition, "options" | "args">,
  schema: S,
  parsed: Pick<ParsedArgs, "values" | "sources" | "args">,
  input: unknown = { ...parsed.args, ...parsed.values },
): z.output<S> {
  const res = schema.safeParse(input);
  if (res.success) return res.data;
  const values = { ...parsed.args, ...parsed.values };
  throw new UsageError(describeIssues(def, res.error.issues, { values, sources: parsed.sources }));
}
