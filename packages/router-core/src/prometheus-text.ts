/**
 * A tokenizer for the Prometheus text exposition format (0.0.4), as prometheus_client writes it:
 *
 *   metric_name{label="value",…} value [timestamp]
 *
 * Label values may hold escapes (`\"`, `\\`, `\n`) and any other character (`.`, `[]`, `{}`, `,`).
 * Values are Go-style floats: `96512.0`, `1.8432e+06`, `NaN`, `+Inf`, `-Inf`. `#` lines (HELP,
 * TYPE, comments) and blank lines are skipped, and so are `*_created` samples (timestamps of
 * counter creation, not values). A malformed line is skipped rather than failing the scrape.
 * @module
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Milliseconds since the epoch when the line carries one, else null. */
  timestamp: number | null;
}

/** Parses a Prometheus value token; null when it is not a number. */
export function parsePromValue(token: string): number | null {
  switch (token) {
    case "NaN":
      return Number.NaN;
    case "+Inf":
    case "Inf":
      return Number.POSITIVE_INFINITY;
    case "-Inf":
      return Number.NEGATIVE_INFINITY;
  }
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(token)) return null;
  return Number(token);
}

const isNameStart = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58; // a-z A-Z _ :
const isNameChar = (c: number): boolean => isNameStart(c) || (c >= 48 && c <= 57);
const isBlank = (c: number): boolean => c === 32 || c === 9;

/** Parses one sample line; null when malformed. */
export function parsePromLine(line: string): PromSample | null {
  const n = line.length;
  let i = 0;
  while (i < n && isBlank(line.charCodeAt(i))) i++;
  if (i >= n || !isNameStart(line.charCodeAt(i))) return null;
  const nameStart = i;
  while (i < n && isNameChar(line.charCodeAt(i))) i++;
  const name = line.slice(nameStart, i);
  const labels: Record<string, string> = {};
  while (i < n && isBlank(line.charCodeAt(i))) i++;
  if (line[i] === "{") {
    i++;
    for (;;) {
      while (i < n && isBlank(line.charCodeAt(i))) i++;
      if (line[i] === "}") {
        i++;
        break;
      }
      if (i >= n || !isNameStart(line.charCodeAt(i))) return null;
      const ls = i;
      while (i < n && isNameChar(line.charCodeAt(i))) i++;
      const labelName = line.slice(ls, i);
      while (i < n && isBlank(line.charCodeAt(i))) i++;
      if (line[i] !== "=") return null;
      i++;
      while (i < n && isBlank(line.charCodeAt(i))) i++;
      if (line[i] !== '"') return null;
      i++;
      let value = "";
      let closed = false;
      while (i < n) {
        const ch = line[i]!;
        if (ch === "\\") {
          const next = line[i + 1];
          if (next === "n") value += "\n";
          else if (next === "\\") value += "\\";
          else if (next === '"') value += '"';
          else if (next !== undefined) value += "\\" + next;
          i += 2;
          continue;
        }
        if (ch === '"') {
          closed = true;
          i++;
          break;
        }
        value += ch;
        i++;
      }
      if (!closed) return null;
      labels[labelName] = value;
      while (i < n && isBlank(line.charCodeAt(i))) i++;
      if (line[i] === ",") {
        i++;
        continue;
      }
      if (line[i] === "}") {
        i++;
        break;
      }
      return null;
    }
  }
  const rest = line.slice(i).trim();
  if (rest === "") return null;
  const parts = rest.split(/[ \t]+/);
  if (parts.length > 2) return null;
  const value = parsePromValue(parts[0]!);
  if (value === null) return null;
  let timestamp: number | null = null;
  if (parts.length === 2) {
    const ts = parsePromValue(parts[1]!);
    if (ts === null || !Number.isFinite(ts)) return null;
    timestamp = ts;
  }
  return { name, labels, value, timestamp };
}

/** Every sample of an exposition, in order, minus comments and `*_created` lines. */
export function parsePrometheusText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const t = line.trimStart();
    if (t === "" || t.startsWith("#")) continue;
    const sample = parsePromLine(line);
    if (!sample || sample.name.endsWith("_created")) continue;
    out.push(sample);
  }
  return out;
}

/** Samples grouped by exact metric name. */
export function indexByName(samples: readonly PromSample[]): Map<string, PromSample[]> {
  const byName = new Map<string, PromSample[]>();
  for (const s of samples) {
    const list = byName.get(s.name);
    if (list) list.push(s);
    else byName.set(s.name, [s]);
  }
  return byName;
}

/** Sum of the finite values of a metric across its series (e.g. engine="0".."N-1"); null if absent. */
export function sumOf(byName: Map<string, PromSample[]>, name: string): number | null {
  const list = byName.get(name);
  if (!list) return null;
  let sum = 0;
  for (const s of list) if (Number.isFinite(s.value)) sum += s.value;
  return sum;
}

/** The first metric name of `names` that is present, summed. */
export function sumOfFirst(
  byName: Map<string, PromSample[]>,
  names: readonly string[],
): number | null {
  for (const name of names) {
    const v = sumOf(byName, name);
    if (v !== null) return v;
  }
  return null;
}
