/**
 * The `--original-cmd` template: a shell command line with placeholders that each run fills in
 * (the router's address, the engines, the profile directory, the scheduler and metrics intervals
 * scaled to the run's time scale). It runs under `/bin/sh -c`, so `cd DIR && python3 -m …` works;
 * the supervisor stops the shell's whole process group.
 * @module
 */
import { accessSync, constants } from "node:fs";
import type { RouterLaunch } from "@thunderagent/reproduce";
import { onPath } from "@thunderagent/reproduce";

/** Placeholder → what it becomes. */
export const PLACEHOLDERS = {
  host: "the address the router must bind (the run's --host, 127.0.0.1)",
  port: "the port the router must listen on (--proxy-port, the preset's 8000)",
  backends: "the engine URLs, comma-separated (http://127.0.0.1:8100)",
  profile_dir: "the directory the router writes step_profiles.csv into (one per run)",
  scheduler_interval: "the scheduler interval in real seconds: 5 s scaled by the time scale",
  metrics_interval: "the metrics interval in real seconds: 5 s scaled by the time scale",
  router: "the router mode, tr",
  time_scale: "real seconds per simulated second",
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

/** Placeholders every template must use, or the run could not reach or count the router. */
export const REQUIRED: readonly Placeholder[] = ["port", "backends", "profile_dir"];

const NAME = /\{([a-z_]+)\}/g;

/** Problems with a template (unknown or missing placeholders); empty when it is usable. */
export function checkTemplate(template: string): string[] {
  const problems: string[] = [];
  if (template.trim() === "") return ["--original-cmd is empty"];
  const used = new Set<string>();
  for (const m of template.matchAll(NAME)) used.add(m[1] as string);
  const unknown = [...used].filter((n) => !(n in PLACEHOLDERS));
  if (unknown.length > 0) {
    problems.push(
      `--original-cmd: unknown placeholder${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `{${n}}`).join(", ")} ` +
        `(known: ${Object.keys(PLACEHOLDERS)
          .map((n) => `{${n}}`)
          .join(" ")})`,
    );
  }
  const missing = REQUIRED.filter((n) => !used.has(n));
  if (missing.length > 0) {
    problems.push(`--original-cmd must use ${missing.map((n) => `{${n}}`).join(", ")}`);
  }
  return problems;
}

/** A word for /bin/sh: left alone when it is plain, single-quoted otherwise. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

export function placeholderValues(l: RouterLaunch): Record<Placeholder, string> {
  const num = (x: number | null, fallback: number) =>
    String(Number((x ?? fallback).toPrecision(6)));
  return {
    host: l.host,
    port: String(l.port),
    backends: l.backends.join(","),
    profile_dir: l.profileDir,
    scheduler_interval: num(l.schedulerIntervalS, 5),
    metrics_interval: num(l.metricsIntervalS, 5),
    router: l.router,
    time_scale: num(l.timeScale, 1),
  };
}

/** The template with every placeholder replaced by its shell-quoted value. */
export function expandTemplate(template: string, l: RouterLaunch): string {
  const values = placeholderValues(l);
  return template.replace(NAME, (whole, name: string) =>
    name in values ? shellQuote(values[name as Placeholder]) : whole,
  );
}

/** Words that run the rest of their segment as a command. */
const WRAPPERS = new Set(["exec", "env", "nohup", "nice", "taskset", "time", "timeout"]);

const BUILTINS = new Set([
  "cd",
  "exec",
  "export",
  "env",
  "set",
  "unset",
  "true",
  "false",
  "nohup",
  "nice",
  "taskset",
  "time",
  "timeout",
  ".",
  "source",
  "ulimit",
  "umask",
  "echo",
  "exit",
  "test",
  "[",
  "printf",
  "read",
  "wait",
  "sleep",
]);

/**
 * The programs a command line starts: the first word of each `&&`, `||`, `;` or `|` segment, past
 * `VAR=value` assignments and wrappers (`exec`, `env`, `nohup`, …). Plain splitting on blanks; it
 * serves a readable error before anything starts, not a shell parser.
 */
export function commandWords(line: string): string[] {
  const out: string[] = [];
  for (const segment of line.split(/&&|\|\||;|\|/)) {
    const words = segment.trim().split(/\s+/).filter(Boolean);
    for (const raw of words) {
      const w = raw.replace(/^['"]|['"]$/g, "");
      if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) continue;
      if (w.startsWith("-") || /^\d+$/.test(w)) continue; // a wrapper's option or argument
      if (BUILTINS.has(w)) {
        if (!WRAPPERS.has(w)) break; // a builtin with arguments of its own
        continue;
      }
      out.push(w);
      break;
    }
  }
  return out;
}

/** The programs of the command line that cannot be found (on PATH, or at the path given). */
export function missingPrograms(line: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return commandWords(line).filter((w) => {
    if (w.includes("/")) {
      if (!w.startsWith("/")) return false; // relative to a directory the line may cd into
      try {
        accessSync(w, constants.X_OK);
        return false;
      } catch {
        return true;
      }
    }
    return onPath(w, env) === null;
  });
}
