/**
 * Number formatting as prometheus_client writes sample values (`floatToGoString`): Python's float
 * repr (`96512.0`, `0.4375`, `1e-05`), with values whose repr has more than six digits before the
 * point switched to Go-style exponents (`1.8432e+06`).
 * @module
 */

/** Python's `repr(float(x))`. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const ax = Math.abs(x);
  if (ax >= 1e16 || ax < 1e-4) {
    const [mant, exp] = x.toExponential().split("e") as [string, string];
    const sign = exp.startsWith("-") ? "-" : "+";
    const digits = exp.replace(/^[+-]/, "").padStart(2, "0");
    return `${mant}e${sign}${digits}`;
  }
  const s = String(x);
  return s.includes(".") ? s : `${s}.0`;
}

/** prometheus_client's `floatToGoString`. */
export function floatToGoString(x: number): string {
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  if (Number.isNaN(x)) return "NaN";
  const s = pyFloatRepr(x);
  const dot = s.indexOf(".");
  if (x > 0 && dot > 6) {
    const mantissa = `${s[0]}.${s.slice(1, dot)}${s.slice(dot + 1)}`.replace(/[0.]+$/, "");
    return `${mantissa}e+0${dot - 1}`;
  }
  return s;
}
