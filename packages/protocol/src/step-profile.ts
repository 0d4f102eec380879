/**
 * One finished step as the router profiles it, and its CSV form in `<profile-dir>/step_profiles.csv`
 * (the file steps/min is counted from). Seconds are rounded to 4 decimals and printed as Python
 * prints floats (`0.0`, `0.014`); `kv_hit_rate` is empty when unknown; `completed_at` is Unix seconds.
 * @module
 */
import { z } from "zod";
import { formatIssues } from "./validation.js";

export const StepProfileRow = z.strictObject({
  program_id: z.string().min(1),
  step_id: z.number().int().positive(),
  prefill_s: z.number().nonnegative(),
  decode_s: z.number().nonnegative(),
  pause_s: z.number().nonnegative(),
  tool_call_s: z.number().nonnegative(),
  kv_hit_rate: z.number().min(0).max(1).nullable(),
  completed_at: z.number().nonnegative(),
});
export type StepProfileRow = z.infer<typeof StepProfileRow>;

export const STEP_PROFILE_COLUMNS = [
  "program_id",
  "step_id",
  "prefill_s",
  "decode_s",
  "pause_s",
  "tool_call_s",
  "kv_hit_rate",
  "completed_at",
] as const;

/** The header line, with its newline. */
export const STEP_PROFILE_HEADER = `${STEP_PROFILE_COLUMNS.join(",")}\n`;

/** A float the way Python's `str(round(x, 4))` prints it. */
export function formatSeconds(value: number): string {
  const rounded = Number(value.toFixed(4));
  return Number.isInteger(rounded) ? `${rounded}.0` : String(rounded);
}

function quoteField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** One CSV line, with its newline. */
export function encodeStepProfileRow(row: StepProfileRow): string {
  return (
    [
      quoteField(row.program_id),
      String(row.step_id),
      formatSeconds(row.prefill_s),
      formatSeconds(row.decode_s),
      formatSeconds(row.pause_s),
      formatSeconds(row.tool_call_s),
      row.kv_hit_rate === null ? "" : formatSeconds(row.kv_hit_rate),
      formatSeconds(row.completed_at),
    ].join(",") + "\n"
  );
}

/** Splits CSV text into records of fields (RFC 4180 quoting), each with its 1-based line number. */
function splitCsv(text: string): Array<{ line: number; fields: string[]; terminated: boolean }> {
  const records: Array<{ line: number; fields: string[]; terminated: boolean }> = [];
  let fields: string[] = [];
  let field = "";
  let inQuotes = false;
  let line = 1;
  let startLine = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      inQuotes = true;
      any = true;
    } else if (ch === ",") {
      fields.push(field);
      field = "";
      any = true;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      if (any || field !== "") {
        fields.push(field);
        records.push({ line: startLine, fields, terminated: true });
      }
      fields = [];
      field = "";
      any = false;
      line++;
      startLine = line;
    } else {
      field += ch;
      any = true;
    }
  }
  if (any || field !== "") {
    fields.push(field);
    records.push({ line: startLine, fields, terminated: false });
  }
  return records;
}

function toNumber(raw: string): number | null {
  if (raw.trim() === "") return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : Number.NaN;
}

export interface DecodeStepProfilesOptions {
  /**
   * Ignore a last line that has no newline and does not parse: what a writer killed mid-line
   * leaves behind. On by default.
   */
  tolerateTruncatedTail?: boolean;
}

/** Parses a whole `step_profiles.csv`; throws an Error naming the line and field on bad input. */
export function decodeStepProfileCsv(
  text: string,
  options: DecodeStepProfilesOptions = {},
): StepProfileRow[] {
  const tolerate = options.tolerateTruncatedTail ?? true;
  const records = splitCsv(text);
  const header = records.shift();
  if (!header) return [];
  if (header.fields.join(",") !== STEP_PROFILE_COLUMNS.join(",")) {
    throw new Error(
      `step_profiles.csv line ${header.line}: expected header "${STEP_PROFILE_COLUMNS.join(",")}", got "${header.fields.join(",")}"`,
    );
  }
  const rows: StepProfileRow[] = [];
  for (const rec of records) {
    const isTail = rec === records[records.length - 1] && !rec.terminated;
    try {
      rows.push(decodeFields(rec.fields, rec.line));
    } catch (err) {
      if (isTail && tolerate) break;
      throw err;
    }
  }
  return rows;
}

function decodeFields(fields: string[], line: number): StepProfileRow {
  if (fields.length !== STEP_PROFILE_COLUMNS.length) {
    throw new Error(
      `step_profiles.csv line ${line}: expected ${STEP_PROFILE_COLUMNS.length} fields, got ${fields.length}`,
    );
  }
  const [programId, stepId, prefill, decode, pause, tool, hit, completed] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const candidate = {
    program_id: programId,
    step_id: toNumber(stepId),
    prefill_s: toNumber(prefill),
    decode_s: toNumber(decode),
    pause_s: toNumber(pause),
    tool_call_s: toNumber(tool),
    kv_hit_rate: toNumber(hit),
    completed_at: toNumber(completed),
  };
  const res = StepProfileRow.safeParse(candidate);
  if (!res.success)
    throw new Error(`step_profiles.csv line ${line}: ${formatIssues(res.error.issues)}`);
  return res.data;
}
