import { describe, expect, it } from "vitest";
import { pythonJsonDumpsLength } from "../src/python-json-length.js";

// Expected values: len(json.dumps(json.loads(text), ensure_ascii=False)) printed by CPython 3.11.
const CASES: Array<[string, number]> = [
  ['{"model":"m","messages":[{"role":"user","content":"hi"}],"program_id":"A"}', 82],
  ['{ "a" : 1.0 , "b" : [ 1e-5 , 1E16, 123.456, -0.0, 0.1, 1e22, 2.5e-7, 100.0, 1e15 ] }', 94],
  [
    '{"s":"quote\\" backslash\\\\ nl\\n tab\\t ctl\\u0001 uni\\u00e9 emoji\\ud83d\\ude00 raw \u00e9"}',
    67,
  ],
  ["[true,false,null,-0,12345678901234567890,{},[]]", 52],
  ['{"temperature":0.7,"max_tokens":64,"stream":true,"stop":["\\n\\n"]}', 72],
];

describe("pythonJsonDumpsLength", () => {
  it.each(CASES)("matches Python for %s", (text, expected) => {
    expect(pythonJsonDumpsLength(text)).toBe(expected);
  });

  it("does not depend on the client's whitespace", () => {
    const compact = '{"a":[1,2],"b":{"c":"d"}}';
    const spaced = '{\n  "a": [ 1, 2 ],\n  "b": { "c": "d" }\n}';
    expect(pythonJsonDumpsLength(spaced)).toBe(pythonJsonDumpsLength(compact));
    expect(pythonJsonDumpsLength(compact)).toBe(compact.length + 5); // 3 ", " and 2 ": " extra
  });

  it("is null for text that is not JSON", () => {
    expect(pythonJsonDumpsLength('{"a":')).toBeNull();
  });
});
