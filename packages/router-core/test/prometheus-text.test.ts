import { describe, expect, it } from "vitest";
import { parsePrometheusText, parsePromLine, parsePromValue } from "../src/index.js";

describe("Prometheus text tokenizer", () => {
  it("reads Go-style floats, NaN and infinities", () => {
    expect(parsePromValue("1.8432e+06")).toBe(1843200);
    expect(parsePromValue("96512.0")).toBe(96512);
    expect(parsePromValue("1.7955636809664545e+09")).toBe(1795563680.9664545);
    expect(parsePromValue("-2.5E-3")).toBe(-0.0025);
    expect(parsePromValue("NaN")).toBeNaN();
    expect(parsePromValue("+Inf")).toBe(Number.POSITIVE_INFINITY);
    expect(parsePromValue("-Inf")).toBe(Number.NEGATIVE_INFINITY);
    expect(parsePromValue("")).toBeNull();
    expect(parsePromValue("12abc")).toBeNull();
  });

  it("reads labels with escapes, odd characters and optional timestamps", () => {
    const line =
      'weird_metric{a="say \\"hi\\"",b="back\\\\slash",c="two\\nlines",d="{x,y} [] = .",e=""} 1.8432e+06 1700000000000';
    expect(parsePromLine(line)).toEqual({
      name: "weird_metric",
      labels: { a: 'say "hi"', b: "back\\slash", c: "two\nlines", d: "{x,y} [] = .", e: "" },
      value: 1843200,
      timestamp: 1700000000000,
    });
    expect(parsePromLine("no_labels 3")).toEqual({
      name: "no_labels",
      labels: {},
      value: 3,
      timestamp: null,
    });
    expect(parsePromLine('trailing_comma{a="1",} 2')).toMatchObject({
      labels: { a: "1" },
      value: 2,
    });
    expect(parsePromLine('le_inf_bucket{le="+Inf"} +Inf')).toMatchObject({
      labels: { le: "+Inf" },
      value: Number.POSITIVE_INFINITY,
    });
  });

  it("rejects malformed lines instead of guessing", () => {
    expect(parsePromLine('m{a="unterminated} 1')).toBeNull();
    expect(parsePromLine("m{a=1} 1")).toBeNull();
    expect(parsePromLine("m")).toBeNull();
    expect(parsePromLine("m 1 2 3")).toBeNull();
    expect(parsePromLine("9metric 1")).toBeNull();
  });

  it("skips comments, blank lines, CRLF endings and *_created samples", () => {
    const text = [
      "# HELP x_total Something.",
      "# TYPE x_total counter",
      'x_total{engine="0"} 5.0',
      "",
      "# TYPE x_created gauge",
      'x_created{engine="0"} 1.7955636809664545e+09',
      "garbage line here",
      'y{engine="0"} NaN\r',
    ].join("\n");
    const samples = parsePrometheusText(text);
    expect(samples.map((s) => s.name)).toEqual(["x_total", "y"]);
    expect(samples[1]!.value).toBeNaN();
  });
});
