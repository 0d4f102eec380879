/**
 * The length the Python original measures a request by: `len(json.dumps(payload,
 * ensure_ascii=False))` of the parsed body, i.e. the body re-serialised with `", "` and `": "`
 * separators, strings escaped as Python escapes them (only `"`, `\`, and control characters; other
 * characters as they are, each code point counting 1) and numbers written as Python writes them
 * (integers as given, floats in `repr` form: `1.0`, `1e-05`, `1e+16`). Computed from the raw text
 * in one pass without building the value. A key repeated in one object is counted every time
 * (Python keeps one); that is the one case where this differs.
 * @module
 */

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Python's `repr(float(literal))` length. */
export function pythonFloatReprLength(literal: string): number {
  const v = Number(literal);
  if (!Number.isFinite(v)) return v > 0 ? "Infinity".length : "-Infinity".length;
  if (v === 0) return Object.is(v, -0) ? 4 : 3; // "-0.0" / "0.0"
  const [mant, expText] = Math.abs(v).toExponential().split("e") as [string, string];
  const digits = mant.replace(".", "");
  const exp = Number(expText);
  const sign = v < 0 ? 1 : 0;
  if (exp < -4 || exp >= 16) {
    const e = Math.abs(exp);
    // d[.ddd]e±XX (at least two exponent digits)
    return sign + digits.length + (digits.length > 1 ? 1 : 0) + 2 + Math.max(2, String(e).length);
  }
  if (exp < 0) return sign + 2 + (-exp - 1) + digits.length; // 0.000ddd
  const intDigits = exp + 1;
  const frac = digits.length > intDigits ? digits.length - intDigits : 1; // at least ".0"
  return sign + intDigits + 1 + frac;
}

function stringLength(text: string, start: number): { end: number; length: number } {
  let end = start + 1;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c === 0x5c) end += 2;
    else if (c === 0x22) break;
    else end++;
  }
  const value = JSON.parse(text.slice(start, end + 1)) as string;
  let length = 2; // the quotes
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (
      c === 0x22 ||
      c === 0x5c ||
      c === 0x0a ||
      c === 0x0d ||
      c === 0x09 ||
      c === 0x08 ||
      c === 0x0c
    ) {
      length += 2;
    } else if (c < 0x20) length += 6;
    else length += 1;
  }
  return { end: end + 1, length };
}

function numberLength(text: string, start: number): { end: number; length: number } {
  let end = start;
  let isFloat = false;
  while (end < text.length) {
    const ch = text[end]!;
    if (ch === "." || ch === "e" || ch === "E") isFloat = true;
    else if (!(ch === "-" || ch === "+" || (ch >= "0" && ch <= "9"))) break;
    end++;
  }
  const literal = text.slice(start, end);
  if (isFloat) return { end, length: pythonFloatReprLength(literal) };
  return { end, length: literal === "-0" ? 1 : literal.length };
}

/**
 * `len(json.dumps(json.loads(text), ensure_ascii=False))`, or null when `text` is not JSON.
 */
export function pythonJsonDumpsLength(text: string): number | null {
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  let length = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (WS.has(c)) {
      i++;
    } else if (c === 0x22) {
      const s = stringLength(text, i);
      length += s.length;
      i = s.end;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const n = numberLength(text, i);
      length += n.length;
      i = n.end;
    } else if (c === 0x2c || c === 0x3a) {
      length += 2; // ", " and ": "
      i++;
    } else if (c === 0x74 || c === 0x6e) {
      length += 4; // true, null
      i += 4;
    } else if (c === 0x66) {
      length += 5; // false
      i += 5;
    } else {
      length += 1; // { } [ ]
      i++;
    }
  }
  return length;
}
