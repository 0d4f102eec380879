/**
 * zod issues as plain words: `--port must be an integer 0–65535, got "abc"`, not
 * `Invalid input: expected number, received NaN`. zod still validates every value (the project's
 * rule); this only words what it found.
 * @module
 */
import type { z } from "zod";
import { optionKey, type CliDefinition } from "./spec.js";

type Issue = z.core.$ZodIssue;

const TYPE_WORDS: Record<string, string> = {
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  string: "a string",
  array: "a list",
  object: "an object",
};

/** Messages written for people (ours) start like this; zod's own start with a capital. */
const PLAIN = /^(must|needs|is|cannot|has|should) /;

function bound(
  issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean },
  lower: boolean,
) {
  const n = String(lower ? issue.minimum : issue.maximum);
  return `${lower ? (issue.inclusive ? "≥" : ">") : issue.inclusive ? "≤" : "<"} ${n}`;
}

/** One issue as a phrase that follows the flag: "must be one of a, b", or ": <message>". */
export function issuePhrase(issue: Issue): string {
  if (PLAIN.test(issue.message)) return ` ${issue.message}`;
  switch (issue.code) {
    case "invalid_type":
      return ` must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case "invalid_value":
      return ` must be one of ${issue.values.map(String).join(", ")}`;
    case "too_small":
      if (issue.origin === "string") {
        return Number(issue.minimum) <= 1
          ? " must not be empty"
          : ` needs at least ${String(issue.minimum)} characters`;
      }
      if (issue.origin === "array" || issue.origin === "set") {
        return ` needs at least ${String(issue.minimum)} value(s)`;
      }
      return ` must be ${bound(issue, true)}`;
    case "too_big":
      if (issue.origin === "array" || issue.origin === "set") {
        return ` takes at most ${String(issue.maximum)} value(s)`;
      }
      return ` must be ${bound(issue, false)}`;
    case "invalid_format":
      return issue.format === "url"
        ? " must be a URL"
        : ` must match ${issue.pattern ?? issue.format}`;
    case "invalid_union": {
      // The most specific branch's first issue (not "expected boolean" from a boolean|string union).
      const branches = issue.errors.flat();
      const best = branches.find((i) => i.code !== "invalid_type") ?? branches[0];
      return best ? issuePhrase(best) : `: ${issue.message}`;
    }
    default:
      return `: ${issue.message}`;
  }
}

export interface IssueContext {
  /** Raw values by key, for "got …". */
  readonly values?: Readonly<Record<string, unknown>>;
  /** Where a value came from: "cli" or an environment variable's name. */
  readonly sources?: Readonly<Record<string, string>>;
}

function shown(raw: unknown, index: PropertyKey | undefined): string | null {
  const v = Array.isArray(raw) && typeof index === "number" ? raw[index] : raw;
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") return String(v);
  return null;
}

/** Every issue as `--flag must …, got "…"`, joined by "; ". */
export function describeIssues(
  def: Pick<CliDefinition, "options" | "args">,
  issues: readonly Issue[],
  ctx: IssueContext = {},
): string {
  const flags = new Map<string, { label: string; expect?: string }>();
  for (const [flag, spec] of Object.entries(def.options)) {
    flags.set(optionKey(flag, spec), {
      label: `--${flag}`,
      ...(spec.expect ? { expect: spec.expect } : {}),
    });
  }
  for (const a of def.args ?? []) flags.set(a.name, { label: a.name });
  return issues
    .map((issue) => {
      const key = String(issue.path[0] ?? "");
      const flag = flags.get(key);
      if (!flag) return issue.path.length > 0 ? `${key}: ${issue.message}` : issue.message;
      const source = ctx.sources?.[key];
      const label = source && source !== "cli" ? `${flag.label} (from ${source})` : flag.label;
      const phrase = flag.expect ? ` must be ${flag.expect}` : issuePhrase(issue);
      const got = shown(ctx.values?.[key], issue.path[1]);
      return `${label}${phrase}${got === null ? "" : `, got ${got}`}`;
    })
    .filter((line, i, all) => all.indexOf(line) === i)
    .join("; ");
}
