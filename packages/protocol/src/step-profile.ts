/**
 * One finished step as the router profiles it, and its CSV form in `<profile-dir>/step_profiles.csv`
 * (the file steps/min is counted from). The 11 columns of today's upstream ThunderAgent are written;
 * the 8 columns it (and we) wrote before, without the token counts, are still read. Seconds are
 * rounded to 4 decimals and printed as Python prints floats (`0.0`, `0.014`); token counts are
 * integers; a value that is unknown is an empty field (`cached_tokens` when the engine did not
 * report it, `kv_hit_rate` unless both prompt and cached tokens are known); `completed_at` is Unix
 * seconds. This module is the one reader of the file: the proxy, reproduce and bench use it.
 * @module
 */
import { z } from "zod";
import { quoteCsvField, splitCsv } from "./csv.js";
import { formatIssues } from "./validation.js";

const tokens = z.number().int().nonnegative().nullable();

export const StepProfileRow = z.strictObject({
  program_id: z.string().min(1),
  step_id: z.number().int().positive(),
  prefill_s: z.number().nonnegative(),
  decode_s: z.number().nonnegative(),
  pause_s: z.number().nonnegative(),
  tool_call_s: z.number().nonnegative(),
  /** Null when unknown (and in rows read from an 8-column file). */
  prompt_tokens: tokens,
  completion_tokens: tokens,
  /** The engine's `prompt_tokens_details.cached_tokens`; null when it did not report it. */
  cached_tokens: tokens,
  kv_hit_rate: z.number().min(0).max(1).nullable(),
  completed_at: z.number().nonnegative(),
});
export type StepProfileRow = z.infer<typeof StepProfileRow>;

/** The columns written, in order (today's upstream layout). */
export const STEP_PROFILE_COLUMNS = [
  "program_id",
  "step_id",
  "prefill_s",
  "decode_s",
  "pause_s",
  "tool_call_s",
  "prompt_tokens",
  "completion_tokens",
  "cached_tokens",
  "kv_hit_rate",
  "completed_at",
] as const satisfies ReadonlyArray<keyof StepProfileRow>;

/** The columns before the token counts came in (the Python original up to early 2026, and ours). */
export const LEGACY_STEP_PROFILE_COLUMNS: readonly (keyof StepProfileRow)[] =
  STEP_PROFILE_COLUMNS.filter(
    (c) => c !== "prompt_tokens" && c !== "completion_tokens" && c !== "cached_tokens",
  );

/** The header line written, with its newline. */
export const STEP_PROFILE_HEADER = `${STEP_PROFILE_COLUMNS.join(",")}\n`;

/** A float the way Python's `str(round(x, 4))` prints it. */
export function formatSeconds(value: number): string {
  const rounded = Number(value.toFixed(4));
  return Number.isInteger(rounded) ? `${rounded}.0` : String(rounded);
}

const count = (n: number | null): string => (n === null ? "" : String(n));

/** One CSV line in {@link STEP_PROFILE_COLUMNS} order, with its newline. */
export function encodeStepProfileRow(row: StepProfileRow): string {
  return (
    [
      quoteCsvField(row.program_id),
      String(row.step_id),
      formatSeconds(row.prefill_s),
      formatSeconds(row.decode_s),
      formatSeconds(row.pause_s),
      formatSeconds(row.tool_call_s),
      count(row.prompt_tokens),
      count(row.completion_tokens),
      count(row.cached_tokens),
      row.kv_hit_rate === null ? "" : formatSeconds(row.kv_hit_rate),
      formatSeconds(row.completed_at),
    ].join(",") + "\n"
  );
}

function toNumber(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === "") return null;
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

const LAYOUTS: ReadonlyArray<readonly string[]> = [
  STEP_PROFILE_COLUMNS,
  LEGACY_STEP_PROFILE_COLUMNS,
];

/**
 * Parses a whole `step_profiles.csv` with either header (11 or 8 columns; LF or CRLF); throws an
 * Error naming the line and field on bad input. Columns an 8-column file lacks are null.
 */
export function decodeStepProfileCsv(
  text: string,
  options: DecodeStepProfilesOptions = {},
): StepProfileRow[] {
  const tolerate = options.tolerateTruncatedTail ?? true;
  const records = splitCsv(text);
  const header = records.shift();
  if (!header) return [];
  const got = header.fields.join(",");
  const columns = LAYOUTS.find((layout) => layout.join(",") === got);
  if (!columns) {
    const want = LAYOUTS.map((layout) => `"${layout.join(",")}"`).join(" or ");
    throw new Error(`step_profiles.csv line ${header.line}: expected header ${want}, got "${got}"`);
  }
  const rows: StepProfileRow[] = [];
  for (const rec of records) {
    const isTail = rec === records[records.length - 1] && !rec.terminated;
    try {
      rows.push(decodeFields(columns, rec.fields, rec.line));
    } catch (err) {
      if (isTail && tolerate) break;
      throw err;
    }
  }
  return rows;
}

function decodeFields(columns: readonly string[], fields: string[], line: number): StepProfileRow {
  if (fields.length !== columns.length) {
    throw new Error(
      `step_profiles.csv line ${line}: expected ${columns.length} fields, got ${fields.length}`,
    );
  }
  const raw = new Map(columns.map((name, i) => [name, fields[i]]));
  const candidate: Record<string, unknown> = { program_id: raw.get("program_id") };
  for (const name of STEP_PROFILE_COLUMNS) {
    if (name !== "program_id") candidate[name] = toNumber(raw.get(name));
  }
  const res = StepProfileRow.safeParse(candidate);
  if (!res.success)
    throw new Error(`step_profiles.csv line ${line}: ${formatIssues(res.error.issues)}`);
  return res.data;
}
