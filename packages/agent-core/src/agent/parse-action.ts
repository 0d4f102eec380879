/**
 * mini-swe-agent's action parsing: `re.findall(r"```bash\s*\n(.*?)\n```", content, re.DOTALL)`,
 * exactly one block is an action (stripped), anything else is a format error.
 * @module
 */

const BASH_BLOCK = /```bash\s*\n([\s\S]*?)\n```/g;

export function findBashBlocks(content: string): string[] {
  return Array.from(content.matchAll(BASH_BLOCK), (m) => m[1] ?? "");
}

export type ParsedAction =
  { kind: "action"; action: string } | { kind: "format_error"; actions: string[] };

export function parseAction(content: string): ParsedAction {
  const actions = findBashBlocks(content);
  if (actions.length === 1) return { kind: "action", action: pythonStrip(actions[0] ?? "") };
  return { kind: "format_error", actions };
}

/** Python's `str.strip()` (whitespace per `str.isspace`, close enough to JS `\s` here). */
export function pythonStrip(text: string): string {
  return text.replace(/^\s+|\s+$/g, "");
}

export const SUBMIT_MARKERS = [
  "MINI_SWE_AGENT_FINAL_OUTPUT",
  "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT",
];

/**
 * mini-swe-agent's `has_finished`: the output, left-stripped, has a submit marker as its first
 * line; the submission is the rest (lines kept with their endings). Null when not finished.
 */
export function detectSubmission(
  output: string,
  markers: readonly string[] = SUBMIT_MARKERS,
): string | null {
  const text = output.replace(/^\s+/, "");
  if (text === "") return null;
  const lines = text.match(/[^\n\r]*(?:\r\n|\n|\r|$)/g)?.filter((l) => l !== "") ?? [];
  const first = lines[0];
  if (first === undefined || !markers.includes(pythonStrip(first))) return null;
  return lines.slice(1).join("");
}
