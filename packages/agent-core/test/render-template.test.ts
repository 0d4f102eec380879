import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TemplateUndefinedError, renderTemplate } from "../src/template/render-template.js";

interface Fixture {
  name: string;
  source: string;
  vars: Record<string, unknown>;
  expected: string;
}
const fixtures = JSON.parse(
  readFileSync(new URL("./fixtures/template-fixtures.json", import.meta.url), "utf8"),
) as Fixture[];

describe("renderTemplate matches Jinja2 (generated fixtures of the seed's swebench.yaml)", () => {
  it.each(fixtures.map((f) => [f.name, f] as const))("%s", (_name, f) => {
    expect(renderTemplate(f.source, f.vars)).toBe(f.expected);
  });
});

describe("renderTemplate follows Jinja2's documented defaults", () => {
  const obs = [
    "<returncode>{{output.returncode}}</returncode>",
    "{% if output.output | length < 10000 -%}",
    "<output>",
    "{{ output.output -}}",
    "</output>",
    "{%- else -%}",
    "long",
    "{%- endif -%}",
    "",
  ].join("\n");

  it("no trim_blocks/lstrip_blocks, '-' strips whitespace, trailing newline dropped", () => {
    expect(renderTemplate(obs, { output: { output: "hello\n", returncode: 0 } })).toBe(
      "<returncode>0</returncode>\n<output>\nhello\n</output>",
    );
    // A block tag without '-' keeps the newline after it (trim_blocks is off).
    expect(renderTemplate("{% if x %}\nA\n{% endif %}\nB\n", { x: true })).toBe("\nA\n\nB");
    // Indentation before a block tag is kept (lstrip_blocks is off).
    expect(renderTemplate("  {% if x %}A{% endif %}", { x: true })).toBe("  A");
  });

  it("raises on undefined names like StrictUndefined, but allows `is defined`", () => {
    expect(() => renderTemplate("{{ missing }}", {})).toThrow(TemplateUndefinedError);
    expect(() => renderTemplate("{{ output.nope }}", { output: {} })).toThrow(/output.nope/);
    expect(() => renderTemplate("{% if output.nope %}x{% endif %}", { output: {} })).toThrow();
    expect(renderTemplate("{{ x is defined }}/{{ y is defined }}", { x: 1 })).toBe("True/False");
  });

  it("counts code points and prints None/True/False as Python does", () => {
    expect(renderTemplate("{{ s | length }}", { s: "a\u{1F600}b" })).toBe("3");
    expect(renderTemplate("{{ n }} {{ t }} {{ f }}", { n: null, t: true, f: false })).toBe(
      "None True False",
    );
  });
});
