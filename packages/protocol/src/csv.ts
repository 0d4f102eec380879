/**
 * RFC 4180 CSV, as Python's `csv` module writes it: a field holding a comma, a quote or a line
 * break is quoted, quotes doubled; records end in LF or CRLF.
 * @module
 */

/** A field as it goes into a record, quoted when it must be. */
export function quoteCsvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** One record of {@link splitCsv}: its fields, its 1-based first line, whether a newline ended it. */
export interface CsvRecord {
  line: number;
  fields: string[];
  terminated: boolean;
}

/** Splits CSV text into records of fields; blank lines are skipped. */
export function splitCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
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
