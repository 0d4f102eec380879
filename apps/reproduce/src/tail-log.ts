/**
 * The end of a process's log, for error messages.
 * @module
 */
import { readFileSync } from "node:fs";

/** Last lines of a log file, for error messages. */
export function tailLog(path: string, lines = 15): string {
  try {
    const text = readFileSync(path, "utf8").trimEnd();
    return text.split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
